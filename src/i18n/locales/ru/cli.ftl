# Что выводит командная строка: метки, итог `convert`, отчёт `inspect`, таблица `formats`.
cli-error = ошибка: { $error }
cli-note = примечание: { $note }
cli-warning = предупреждение: { $warning }
cli-warnings-more = предупреждение: … и ещё { $count } [{ $kind }]
cli-warnings-quiet = { $count ->
    [one] { $count } предупреждение (запустите без -q, чтобы его увидеть)
    [few] { $count } предупреждения (запустите без -q, чтобы их увидеть)
   *[many] { $count } предупреждений (запустите без -q, чтобы их увидеть)
}
cli-error-writing-report = ошибка при выводе отчёта: { $error }
cli-count-groups = { $count } { $count ->
    [one] группа
    [few] группы
   *[many] групп
}
cli-count-products = { $count } { $count ->
    [one] товар
    [few] товара
   *[many] товаров
}
cli-count-receipts = { $count } { $count ->
    [one] чек
    [few] чека
   *[many] чеков
}
cli-count-orders = { $count } { $count ->
    [one] заказ
    [few] заказа
   *[many] заказов
}
cli-count-none = записей нет
cli-standard-output = стандартный вывод
cli-converted = { $from } → { $to }: { $records } записано в { $dest } (кодировка исходного файла { $encoding }{ $warnings })
cli-converted-warnings = , { $count } { $count ->
    [one] предупреждение
    [few] предупреждения
   *[many] предупреждений
}
cli-stdout-incomplete = примечание: в стандартный вывод уже ушла первая часть документа (вывод больше { $mib } МиБ идёт потоком): он неполный, не используйте его
cli-inspect-detected = определён по содержимому
cli-inspect-as-named = задан явно
cli-inspect-format = формат
cli-inspect-encoding = кодировка
cli-inspect-receipts = чеков
cli-inspect-orders = заказов
cli-inspect-lines = строк
cli-inspect-groups = групп
cli-inspect-products = товаров
cli-inspect-prices = цен
cli-inspect-barcodes = штрихкодов
cli-inspect-deleted = удалённых
cli-inspect-deleted-count = { $count } (помечены на удаление в источнике)
cli-inspect-receipts-consistent = все суммы сходятся
cli-inspect-orders-consistent = все суммы и статусы в порядке
cli-inspect-no-problems = проблем не найдено
cli-inspect-problems = проблем
cli-inspect-more = … и ещё { $count }
cli-formats-format = ФОРМАТ
cli-formats-read = ЧТЕНИЕ
cli-formats-write = ЗАПИСЬ
cli-formats-data = ДАННЫЕ
cli-formats-extensions = РАСШИРЕНИЯ
cli-formats-aliases = ДРУГИЕ ИМЕНА
cli-formats-yes = да
