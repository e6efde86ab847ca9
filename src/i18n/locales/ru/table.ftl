# Прайс-листы из электронных таблиц и CSV (формат `table`).

## Ячейки
table-cell-is-boolean = в ячейке логическое значение (ИСТИНА/ЛОЖЬ)
table-cell-is-date = в ячейке дата или время
table-cell-is-error = в ячейке ошибка формулы; исправьте формулу
table-expected-and-why = { $expected }; { $why }
table-expected-value = значение
table-expected-price = цена: число или число с валютой, например «1 990 руб.» или «28500 грн»
table-expected-code-scientific = код или штрихкод в виде текста; таблица показывает его в экспоненциальной записи, и последние цифры потеряны: задайте столбцу текстовый формат (Формат ячеек → Текстовый), введите коды заново и сохраните файл
table-expected-code-too-long = код или штрихкод в виде текста; число в таблице хранит только 15 цифр, и последние цифры этого кода могли потеряться: задайте столбцу текстовый формат (Формат ячеек → Текстовый), введите коды заново и сохраните файл
table-expected-code = код или штрихкод
table-expected-code-in-row = код товара (или артикул): в строке есть наименование, но нет кода
table-expected-name-in-row = наименование товара: в строке есть код { $code }, но нет наименования

## Места, строки и ячейки в сообщениях
table-place-sheet = лист «{ $sheet }»
table-place-csv = CSV ({ $encoding })
table-row = строка { $number }
table-line = строка { $number }
table-cell-csv = строка { $row }, столбец { $column }
table-cell-titled = { $cell } ({ $title })

## Столбцы и строка заголовков
table-note-columns = { $place }, { $columns }
table-note-price = цена «{ $price_type }»{ $vat } ← { $column }{ $how }
table-as-mapped = {" "}(как указано)
table-vat-included = {" "}(с НДС)
table-vat-excluded = {" "}(без НДС)
table-note-header-rows = строки заголовков { $first }–{ $last }
table-note-header-row = строка заголовков { $row }
table-note-no-header-row = строки заголовков нет
table-note-not-read = ; не прочитаны: { $columns }
table-among-titles = среди заголовков { $titles }
table-no-header-no-price = (в таблице нет строки заголовков, и столбец цены не указан)
table-no-price-column = столбец цены не найден { $titles }; товары загружены БЕЗ цен; укажите столбец в --column price=ЗАГОЛОВОК (или буквой, например price=D)
table-header-row-empty = { $file }: { $place }: строка { $row } пустая и не может быть строкой заголовков
table-header-row-missing = { $file }: { $place }: нет строки { $row } для заголовков
table-header-row-not-found = { $file }: { $place }: в первых { $rows } строках нет строки заголовков (с заголовками вроде Код, Наименование, Штрихкод, Цена); укажите её в --header-row N или задайте столбцы в --column code=A …
table-mapping-file-error = файл сопоставления: { $error }
table-mapping-file-several-columns = файл сопоставления: несколько столбцов можно указать только для `price`
table-mapping-file-bad-column = файл сопоставления: ожидается заголовок, буква (например, "C") или номер, начиная с 1
table-bad-column-option = --column { $spec }: ожидается поле=столбец, например code=A, barcode=3 или price=Цена; поля: { $fields }
table-column-twice = --column задаёт { $field } дважды; несколько столбцов можно указать только для price
table-mapped-title-no-header = { $place }: для { $field } указан заголовок «{ $title }», но в таблице нет строки заголовков
table-mapped-title-missing = { $place }: в строке заголовков { $row } нет столбца «{ $title }» (указан для { $field }); заголовки: { $titles }
table-missing-code-column = столбец кода (или артикула)
table-missing-name-column = столбец наименования
table-header-row-has = в строке заголовков { $row }: { $titles }
table-no-header-row = в таблице нет строки заголовков
table-required-column-missing = { $place }: не найден { $missing } ({ $found }); укажите его в --column, например --column code=A --column name=Наименование
table-price-type-twice = { $place }: два столбца цены получили бы один вид цены «{ $price_type }»; укажите один из них по другому заголовку

## Строки, которые не товары
table-list-and-more = { $list }, …
table-example-row = { $row } { $text }
table-example-price = { $cell } { $text } → { $amount }
table-note-headings = { $file }: { $place }: { $count ->
    [one] { $count } строка-заголовок прочитана как группа
    [few] { $count } строки-заголовка прочитаны как группы
   *[many] { $count } строк-заголовков прочитаны как группы
}, товары под каждой входят в эту группу: { $examples }
table-total-rows-skipped = { $count ->
    [one] пропущена { $count } строка «Итого»/«Всего»
    [few] пропущены { $count } строки «Итого»/«Всего»
   *[many] пропущено { $count } строк «Итого»/«Всего»
}, это не товары: { $examples }
table-text-rows-skipped = { $count ->
    [one] пропущена { $count } строка
    [few] пропущены { $count } строки
   *[many] пропущено { $count } строк
} с текстом без кода и цены (примечания, контакты, заголовок без товаров под ним): { $examples }
table-price-text-stripped = { $count ->
    [one] в { $count } ячейке
   *[other] в { $count } ячейках
} цены был текст: число прочитано, валюта и разметка вокруг него отброшены: { $examples }
table-price-currency-foreign = { $count ->
    [one] в { $count } ячейке
   *[other] в { $count } ячейках
} цена указана в другой валюте ({ $currencies }): суммы оставлены как есть, в рубли не пересчитаны: { $examples }

## Книги
table-unreadable-spreadsheet = файл не читается как электронная таблица (xlsx, xlsm, xls, xlsb или ods): { $error }
table-no-details = без подробностей
table-library-failed = библиотека чтения таблиц не справилась с этим файлом ({ $why }); откройте его в Excel или LibreOffice, сохраните как .xlsx и конвертируйте сохранённый файл
table-no-such-sheet = { $file }: нет листа { $sheet }; листы в книге: { $sheets } (укажите имя листа или его номер, начиная с 1)
table-no-sheets = { $file }: в книге нет листов
table-xls-codepage-guessed = файл Excel 5.0/95 без указания кодовой страницы: текст прочитан как Windows-1251 (кириллица); если буквы выглядят неправильно, сохраните файл как .xlsx и конвертируйте его
table-limit-spreadsheet-file = файл электронной таблицы
table-limit-workbook-part = часть книги { $part }, которая после распаковки занимает { $bytes } { $bytes ->
    [one] байт
    [few] байта
   *[many] байт
}
table-limit-sheet-cells = лист «{ $sheet }», в котором больше { $cells } { $cells ->
    [one] ячейки
   *[other] ячеек
}
table-limit-sheet-area = лист «{ $sheet }», ячейки которого занимают область в { $cells } { $cells ->
    [one] ячейку
    [few] ячейки
   *[many] ячеек
} (есть ячейка в строке { $row }, столбце { $column })
table-limit-sheet-declares = лист, в котором объявлено ячеек: { $cells }
table-xls-damaged = файл .xls не читается: его контейнер повреждён ({ $what }); откройте файл в Excel или LibreOffice и сохраните заново
table-xls-short-header = файл короче своего заголовка
table-xls-claims-sectors = { $what }: заявлено секторов — { $sectors }, а в файле их { $total }
table-xls-part-directory = каталог
table-xls-part-fat = FAT
table-xls-part-mini-fat = mini FAT
table-xls-difat-chain = цепочка DIFAT
table-xls-fat-beyond = сектор FAT за концом файла
table-xls-directory-chain = цепочка каталога
table-xls-entry-claims = элемент «{ $name }» заявляет размер { $bytes } { $bytes ->
    [one] байт
    [few] байта
   *[many] байт
}, а в файле { $total } { $total ->
    [one] байт
    [few] байта
   *[many] байт
}
table-xls-mini-stream-chain = цепочка мини-потока
table-xls-mini-fat-chain = цепочка mini FAT
table-xls-workbook-chain = цепочка потока книги
