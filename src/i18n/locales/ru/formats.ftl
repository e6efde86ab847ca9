# Общие средства чтения и записи: поля, числа, кодировки, определение формата, пределы, вывод, конвертация.

## Что допускает поле (`expected` неверного значения)
fmt-expected-number-not-empty = число; значение пустое
fmt-expected-yes-no = Да или Нет
fmt-expected-decimal = число вида 1990, 1990.00, 1 990,00 или -5 (десятичная точка или запятая, пробелы между разрядами)
fmt-expected-decimal-range = число не длиннее 28 цифр, из них не больше 28 после запятой (более длинное нельзя сохранить точно, а округлять его нельзя)
fmt-expected-exact-decimal = десятичное число строкой, например "1990.00", не длиннее 28 цифр, из них не больше 28 после точки
fmt-expected-amount-string = сумма строкой ("12.50"): число JSON с дробной частью проходит через плавающую точку и может уже потерять цифры
fmt-expected-code = код как текст; это похоже на число, которое электронная таблица перевела в экспоненциальную запись, и цифры уже потеряны: выгрузите столбец как текст
fmt-expected-vat = ставка НДС: `без НДС`/`none`, 0, 5, 7, 10, 20, 22 (со знаком % или без), либо 5/105, 7/107, 10/110, 20/120, 22/122

## Кодировки
fmt-field-not-utf8 = байт { $byte } поля после декодирования — не UTF-8
fmt-byte-not-valid = байт { $byte } файла ({ $bytes }) недопустим в кодировке { $encoding }; файл в другой кодировке или повреждён (укажите кодировку в --input-encoding)
fmt-declared-utf8-is-1251 = по заголовку файл в UTF-8, но байт { $byte } здесь не из UTF-8; похоже на Windows-1251 («ANSI» в 1С). Сохраните файл в UTF-8 или укажите --input-encoding windows-1251
fmt-mojibake = текст испорчен («кракозябры»): { $example } после исправления читается как { $repaired }. Файл прочитали как Windows-1251 и сохранили в UTF-8; выгрузите его из исходной программы заново
fmt-unknown-encoding = неизвестная кодировка { $label }: ожидается, например, utf-8, windows-1251, utf-16le
fmt-unknown-output-encoding = неизвестная кодировка { $label }: ожидается, например, windows-1251 или utf-8
fmt-unencodable = { $subject }: { $chars } нельзя записать в кодировке { $encoding }; записано как ? (с --encoding utf-8 символы сохранятся)

## Пределы и размеры
fmt-record-longer-than = запись длиннее { $size }
fmt-limit-record = запись, которая начинается здесь (тег или текст XML, строка CSV, строка файла, объект JSON)
fmt-size-bytes = { $bytes } { $bytes ->
    [one] байт
    [few] байта
   *[many] байт
}
fmt-size-expected = { $text }: ожидается размер, например 200MB, 1GB или 4096
fmt-size-unknown-unit = { $text }: неизвестная единица { $unit } (B, KB, MB, GB, KiB, MiB, GiB)
fmt-size-too-large = { $text }: слишком большой размер

## Форматы, определение формата, конвертация (`$action` идёт после «формат X не позволяет»)
fmt-action-be-read = читать файлы
fmt-action-be-written = записывать файлы
fmt-action-hold-kind = записать { $kind } (он хранит только { $holds })
fmt-action-hold-data-from = записать данные ({ $kinds }), прочитанные из { $format }
fmt-action-hold-in-catalog = записать { $what } (он хранит только каталог товаров)
fmt-kind-catalog = каталог товаров
fmt-kind-receipts = чеки
fmt-kind-orders = заказы
fmt-and = {" "}и{" "}
fmt-folder-no-package = { $folder }: папка читается как пакет файлов, а у формата { $format } пакетов нет
fmt-folder-unreadable = { $folder }: это папка, а папки не читает ни один формат
fmt-undetected-content-and-extension = содержимое не подходит ни под один известный формат, и ни один формат не использует расширение .{ $ext }
fmt-undetected-content = содержимое не подходит ни под один известный формат

## Вывод и поток чтения
fmt-too-many-links = больше { $max } символических ссылок подряд
fmt-output-is-folder = это папка: укажите имя файла для записи
fmt-line-end-inside-character = конец строки внутри символа
fmt-output-side-stopped = запись результата прервана
fmt-reading-thread-not-started = не удалось запустить поток чтения: { $error }
fmt-reading-thread-stopped = поток чтения неожиданно остановился
fmt-reader-unfinished = чтение остановилось, не дойдя до конца файла

## Запись каталога
fmt-spill-failed = не удалось сохранить во временный файл товары, группа которых ещё не пришла: { $error }
fmt-group-missing = группы { $group } нет во входном файле; на неё по-прежнему { $count ->
    [one] ссылается { $count } товар
    [few] ссылаются { $count } товара
   *[many] ссылаются { $count } товаров
}
fmt-deleted-left-out = товар { $code } ({ $name }) помечен на удаление в источнике; пропущен (этот формат не умеет помечать удаление)

## Цены
fmt-price-type-missing = товар { $code }: нет цены вида { $requested } (есть: { $available }); поле «{ $field }» не заполнено
fmt-price-type-ambiguous = у товара { $code } несколько видов цен ({ $available }), и среди них нет "{ $default }": укажите в --price-type вид цены для поля «{ $field }»
fmt-price-type-unnamed = (без названия)

## Заказы
fmt-order-transition-refused = заказ нельзя перевести из статуса { $from } в { $to }: { $reason }
fmt-order-creation-refused = заказ нельзя создать в статусе { $to }: { $reason }
fmt-order-created-new-or-accepted = заказы создаются в статусе NEW или ACCEPTED; REFUSED и DELETED устанавливаются позже
fmt-order-deleted-unavailable = удалённый заказ больше недоступен для работы
fmt-order-refuse-only-accepted = отказать можно только в заказе ACCEPTED или DISTRIBUTED (заказ NEW вместо этого удаляют)
fmt-order-delete-only-new = удалить можно только заказ NEW; в остальных отказывают

## Чтение CSV и JSON
fmt-csv-empty = файл пустой: ожидается строка заголовков
fmt-limit-row-columns = строка из { $columns } { $columns ->
    [one] столбца
   *[other] столбцов
}
fmt-limit-field-bytes = поле длиной { $bytes } { $bytes ->
    [one] байт
    [few] байта
   *[many] байт
}
fmt-csv-unreadable-row = строку CSV не удалось прочитать: { $error }
fmt-csv-row-not-utf8 = не удалось записать CSV: строка не в UTF-8
fmt-expected-json-string = строка JSON
fmt-expected-string-or-number = строка или число
fmt-expected-plain-decimal = обычное десятичное число (без экспоненты)
fmt-expected-true-false = true или false
fmt-expected-epoch-ms = время в миллисекундах от 01.01.1970 (epoch)
fmt-json-empty = файл пустой: ожидаются объекты JSON
fmt-json-error-at = { $error }, строка { $line }, столбец { $column }
fmt-json-invalid = ошибка в JSON: { $error }
fmt-json-write-failed = не удалось записать JSON: { $error }
fmt-canonical-invalid = это не документ канонического JSON: { $error }
fmt-canonical-no-header = нет "header": это не документ канонического JSON
fmt-canonical-expected-document = объект документа канонического JSON
fmt-canonical-expected-records = массив записей
fmt-canonical-wrong-format = "format" равен { $tag }, а ожидается { $expected }
fmt-canonical-wrong-version = версия { $version } не поддерживается: ожидается { $expected }
fmt-canonical-records-first = "records" стоит раньше "header": заголовок должен идти первым
fmt-canonical-record-kind = запись { $record } вида { $kind } в документе вида { $document }

## Списки и предметы сообщений
fmt-list-comma = { $first }, { $second }
fmt-list-semicolon = { $first }; { $second }
fmt-subject-header = заголовок
fmt-json-object-unreadable = объект не удалось прочитать
fmt-standard-output = стандартный вывод
fmt-price-type-quoted = "{ $name }"

## Описания форматов (`kassa-bridge formats`)
fmt-desc-kassatka-xml = номенклатура Кассатки в XML (ProductsGroups): вид для API и вид обработки 1С
fmt-desc-kassatka-receipts = чеки Кассатки в XML (Documents/Doc), как их выгружает /receipts
fmt-desc-atol-goods = файл товаров АТОЛ Frontol для офлайн-кассы (##@@&&, команды $$$, ';', Windows-1251), как его пишет 1С
fmt-desc-atol-report = отчёт о продажах АТОЛ Frontol (#/@, база, номер отчёта, транзакции через ';') для загрузки в 1С с офлайн-кассы
fmt-desc-bifit-csv = CSV загрузки товаров в БИФИТ Кассу (28 столбцов, ';', Windows-1251), с папками
fmt-desc-bifit-json = товары БИФИТ Кассы в том виде, в каком их принимает API: {"{"}"item": {"{"}…{"}"}{"}"} на товар, массивом или JSON Lines
fmt-desc-bifit-orders = онлайн-заказы БИФИТ Кассы в JSON (GET /online_orders/{"{"}id{"}"}): один объект, массив или JSON Lines
fmt-desc-orders-csv = онлайн-заказы таблицей для людей: CSV через ';', UTF-8 с BOM, русские заголовки (только запись)
fmt-desc-table = прайс-листы из электронных таблиц (xlsx, xlsm, xls, xlsb, ods) или CSV: столбцы по заголовку, букве или номеру (только чтение)
fmt-desc-commerceml = CommerceML 2 (1С ↔ интернет-магазин): пакеты каталога (import, offers, prices, rests …) и заказы (чтение), каталог одним файлом и заказы (запись)
fmt-desc-canonical-json = канонический JSON kassa-bridge: без потерь, любые данные

fmt-encoding-described = { $name } ({ $how })
fmt-encoding-by-bom = по метке BOM
fmt-encoding-by-xml-declaration = по объявлению XML
fmt-encoding-by-valid-utf8 = по содержимому: корректный UTF-8
fmt-encoding-by-fallback = не UTF-8, принята русская кодировка Windows
fmt-encoding-by-option = задана в --input-encoding
fmt-encoding-binary = двоичный файл (книга электронной таблицы)
