# АТОЛ Frontol: файл товаров (atol-goods) и отчёт о продажах (atol-report).

## Чтение файла товаров
atol-expected-magic = первая строка файла товаров { $magic }
atol-goods-empty = файл пустой: ожидается { $magic }
atol-expected-flag-line = строка флага: # (ещё не загружен) или @ (загружен)
atol-goods-no-flag = файл заканчивается после { $magic }: ожидается строка флага # или @
atol-command-skipped = команда $$${ $command } не конвертируется; её строки пропущены
atol-deletion-skipped = $$${ $command } { $text }: удаления не переносятся; пропущено
atol-expected-goods-code = код товара в поле 1
atol-code-again = код { $code } встречается снова после других строк; одна карточка — это только идущие подряд строки одного кода, поэтому строка прочитана как второй товар с тем же кодом
atol-barcode-again = код { $code }: штрихкод { $barcode } указан повторно; оставлен один раз
atol-difference = { $field } { $first } / { $second }
atol-card-lines-differ = код { $code }: строки { $first } и { $second } — одна карточка (по строке на штрихкод), но в них различаются: { $differences }; оставлены значения первой строки

## Поля строки товара
atol-field = поле { $n }
atol-field-named = поле { $n } ({ $name })
atol-field-code = код
atol-field-barcodes = штрихкоды
atol-field-name = наименование
atol-field-receipt-text = текст для чека
atol-field-price = цена
atol-field-stock = остаток
atol-field-flags = флаги
atol-field-payment-subject = признак предмета расчёта
atol-field-parent-group = родительская группа
atol-field-goods-or-group = товар или группа
atol-field-tax-group = налоговая группа
atol-field-article = артикул
atol-field-measure = единица измерения

## Запись файла товаров
atol-subject-group = группа { $code }
atol-subject-product = товар { $code }
atol-code-invalid = { $subject }: код { $code } не годится для кода товара АТОЛ (не длиннее { $limit } символов, без `;` и `#`)
atol-text-changed = { $subject }: { $what } { $note }
atol-text-note = { $value }: { $changes }
atol-change-replaced = `;`, `#` и переводы строк заменены пробелами
atol-change-trimmed = пробелы по краям убраны
atol-change-cut = обрезано до длины поля
atol-extra-cleaned = { $subject }: { $what } { $value }: `;` и переводы строк заменены пробелами, пробелы по краям убраны
atol-what-name = наименование
atol-what-receipt-text = текст для чека
atol-what-article = артикул
atol-cannot-hold = { $subject }: в формате { $format } нет места для: { $lost }; не записано
atol-till-price = цена на кассе
atol-lost-price-types = виды цен { $types }
atol-lost-unit-no-measure = единица измерения { $code } { $name } (для неё нет единицы Frontol)
atol-lost-unit-no-okei = единица измерения { $name } (нет кода ОКЕИ, по которому подобрать единицу Frontol)
atol-lost-vat = НДС { $vat } (в файле товаров указывают налоговые группы Frontol, а не ставки)
atol-lost-comment = комментарий
atol-lost-fields = поля { $fields }
atol-deletes-not-written = команды входного файла { $commands } не записаны (команды удаления записываются с --atol-full-export)

## Отчёт о продажах
atol-bad-utc-offset = --utc-offset { $offset }: ожидается смещение вида +03:00
atol-expected-processed-flag = флаг загрузки: # или @
atol-expected-database = идентификатор базы
atol-expected-report-number = номер отчёта
atol-report-header-missing = отчёт заканчивается раньше заголовка: ожидается { $expected }
atol-report-processed = отчёт помечен @: учётная программа его уже загрузила (повторно 1С его не примет)
atol-document-not-closed = документ { $number } открыт, но не закрыт (нет транзакции 55 или 56); пропущен
atol-transaction-duplicate = номер транзакции { $number } встречается повторно
atol-transaction-gap = номера транзакций идут с { $last } сразу на { $number }: пропущено номеров: { $missing }
atol-expected-whole-number = целое число
atol-expected-date = дата в виде дд.мм.гггг
atol-expected-time = время в виде Ч:мм:сс
atol-storno-unmatched = сторно { $code } в документе { $number }: перед ним нет такой строки
atol-transaction-type-skipped = транзакции типа { $kind } не конвертируются
atol-transaction-orphan = транзакция { $number } (тип { $kind }) не относится ни к одному открытому документу; пропущена
atol-subject-receipt = чек { $number }
atol-lost-line-fields = наименования товаров, единицы измерения, НДС и дополнительные поля { $lines } { $lines ->
    [one] строки
   *[other] строк
} (1С находит товары по коду)
atol-lost-party-names = наименования организации, склада и кассы
atol-action-hold-catalog-or-orders = записать каталог товаров или заказы
