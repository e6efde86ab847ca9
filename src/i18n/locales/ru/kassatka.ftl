# Кассатка: номенклатура (`kassatka-xml`) и чеки (`kassatka-receipts`). Аргументы `$value`,
# `$text`, `$layout`, `$price_type`, `$article`, `$kept`, `$dropped` приходят в кавычках.

# Номенклатура: чтение.
kassatka-date-bad = Date { $value } — не дата вида дд.мм.гггг; сохранено как текст
kassatka-wrong-root = корневой элемент — <{ $name }>, а ожидается <{ $root }> (номенклатура Кассатки)
kassatka-no-root = нет элемента <{ $root }>: файл пуст или это не номенклатура Кассатки
kassatka-expected-group-code = код группы
kassatka-expected-product-code = код товара
kassatka-expected-product-name = наименование товара
kassatka-vat-conflict = товар { $code }: у типа цены { $price_type } НДС { $vat }, у другого — { $existing }; в модели у товара одна ставка НДС ({ $existing })
kassatka-rows-disagree = товар { $code }: строки его типов цен расходятся в поле { $field } ({ $kept } и { $dropped }); в модели остаётся одно значение ({ $kept })
kassatka-unknown-element = неизвестный элемент <{ $name }> внутри <{ $parent }> не входит в номенклатуру Кассатки; пропущен
kassatka-unknown-attributes = товар { $code }: неизвестные атрибуты { $names } пропущены
kassatka-stray-text = текст { $text } прямо внутри <{ $parent }> пропущен

# Номенклатура: запись.
kassatka-layout-unknown = вариант { $format } во входных данных ({ $layout }) — не api и не 1c; записано в варианте { $written }
kassatka-group-split = товары группы { $code } идут во входных данных не подряд; группа записана в нескольких элементах ProductGroup
kassatka-includes-vat-assumed = товар { $code }: во входных данных не сказано, включён ли НДС в цены; в IncludesVAT записано Да
kassatka-product-lost = товар { $code }: в { $format } не записывается: { $lost }
kassatka-product-lost-api = товар { $code }: в { $format } не записывается: { $lost } (--kassatka-dialect 1c сохраняет артикулы, НДС и все штрихкоды)
kassatka-lost-barcodes-first = штрихкоды { $barcodes } (помещается только первый)
kassatka-lost-barcodes-one = штрихкоды { $barcodes } (помещается только один)
kassatka-lost-barcodes-not-digits = штрихкоды { $barcodes } (в них не только цифры, а в Product@Barcode помещаются только цифры)
kassatka-lost-barcodes-1c = штрихкоды { $barcodes } (в этом варианте допустимы только латинские буквы, цифры и - . _ /)
kassatka-lost-article = артикул { $article }
kassatka-lost-vat = НДС { $vat }
kassatka-lost-vat-no-prices = НДС { $vat } (он записывается в ценах, а цен у товара нет)
kassatka-lost-price-codes = коды цен / IncludesVAT
kassatka-lost-weighted = признак весового товара
kassatka-lost-service = признак услуги
kassatka-lost-extra = поля extra { $names }
kassatka-group-extra-dropped = группа { $code }: в { $format } не записывается: { $names }
kassatka-group-missing = группы { $code } нет во входных данных; { $count ->
        [one] её { $count } товар записан
        [few] её { $count } товара записаны
       *[many] её { $count } товаров записаны
    } вне групп, с ParentCode { $code }

# Чеки.
kassatka-expected-date-time = дата и время вида 2018-04-16T11:08:31+0000 (ISO 8601 со смещением от UTC)
kassatka-receipts-wrong-root = корневой элемент — <{ $name }>, а ожидается <{ $root }> (чеки Кассатки)
kassatka-receipts-no-root = нет элемента <{ $root }>: файл пуст или это не чеки Кассатки
kassatka-empty-doc = пустой элемент <Doc/>: в нём должны быть Head и Products
kassatka-receipts-unknown-element = неизвестный элемент <{ $name }> внутри <{ $parent }> пропущен
kassatka-doc-no-head = элемент <Doc> без <Head>
kassatka-doc-missing = нет элемента <{ $element }>: он обязателен в каждом Doc
kassatka-line-missing = в строке чека нет элемента <{ $element }>
kassatka-receipt-lost = чек { $number }: в { $format } не записывается: { $lost }
kassatka-lost-return = признак возврата
kassatka-lost-other-payment = оплата { $amount } не наличными и не картой
kassatka-lost-fields = поля { $names }
kassatka-lost-line = строка { $code }: штрихкод, артикул или поля extra
kassatka-hold-catalog = содержать записи каталога
