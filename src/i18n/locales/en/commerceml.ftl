# CommerceML (1C's exchange with web shops): reading packages, catalogues, offers and orders, and
# writing them. Arguments named `$value`, `$text`, `$currency`, `$price_type`, `$name` in quotes
# come quoted.

# Kinds of data, as "this input holds both catalog and orders" names them.
cml-kind-catalog = catalog
cml-kind-receipts = receipts
cml-kind-orders = orders

cml-utc-offset-bad = --utc-offset { $value }: expected e.g. +03:00
cml-spool-failed = spooling CommerceML elements to a temporary file: { $error }
cml-no-files-in-folder = { $folder }: no CommerceML file (*.xml with <КоммерческаяИнформация>) in this folder or its sub-folders

# Reading: the document.
cml-element-skipped = <{ $name }> inside <{ $parent }> has no place in the model; skipped (reported once)
cml-stray-text = text { $text } directly inside <{ $parent }> skipped (reported once)
cml-wrong-root = the root element is <{ $name }>: expected <{ $root }> (CommerceML 2)
cml-no-root = no <{ $root }> element: the file is empty or not CommerceML
cml-export-date-bad = ДатаФормирования { $value } is not an ISO date (yyyy-mm-dd…); ignored
cml-two-kinds = this input holds both { $first } and { $second }: one conversion writes one kind of data; convert the files separately
cml-offers-after-goods = <{ $name }> after the goods of the same file is not merged (the goods are already written); name the offers in a file of their own with --with
cml-catalog-missing = offers without their catalogue (import.xml): each offer becomes a product with only its id, name, barcode, article, unit, prices and quantity (no groups, no VAT); convert the catalogue together with the offers for the whole catalogue
cml-empty-file = the file holds no classifier, goods, offers or documents
cml-documents-and-catalog = { $documents } holds documents (orders) and { $other } a catalogue: convert them separately
cml-offers-unlisted = { $count } offers name goods the catalogue does not list ({ $ids }); they are not written
cml-offer-no-name = offer { $id } has no Наименование; its Ид is used as its name
cml-not-an-order = read a document of ХозОперация «{ $operation }»: only orders («Заказ товара») are read from CommerceML documents

# Reading: the classifier and the catalogue.
cml-empty-group = an empty <Группа>: expected Ид and Наименование
cml-group-element-after-nested = group { $group }: <{ $name }> after its nested groups is not carried
cml-group-no-id = a group has no Ид: its goods could not name it
cml-prices-missing = goods without their offers (offers.xml, prices): products are read without prices; convert the catalogue together with the offers (--with offers.xml, or the folder holding the package)
cml-partial-catalog = the catalogue holds only changes (СодержитТолькоИзменения="true"), not all goods
cml-empty-goods = an empty <Товар>: expected Ид and Наименование
cml-goods-no-id = goods without Ид: offers and orders could not name them
cml-goods-no-name = goods { $code } have no Наименование
cml-goods-second-group = product { $code }: also in group { $group }; the model keeps one group ({ $first })
cml-vat-unknown = product { $code }: VAT rate { $rate } is not one the model knows; kept in extra
cml-no-offer = product { $code } ({ $name }) has no offer in the package; written without prices
cml-product-split = goods { $code } ({ $name }) have { $count } { $count ->
        [one] characteristic
       *[other] characteristics
    }: written as products { $codes }; { $goods_too }{ $barcodes }
cml-split-goods-not-written = the goods themselves have no offer and are not written
cml-split-goods-written = the goods are written too
cml-split-barcodes = ; their barcode { $barcodes } is not copied to the characteristics

# Reading: offers and price types.
cml-price-type-no-id = a price type has no Ид: offers could not name it
cml-price-type-twice = price type { $id } is listed twice, as { $first } and as { $second }; the first name is kept
cml-price-type-unknown = price type { $id } is not in ТипыЦен; its Ид is used as its name
cml-currency-foreign = prices in { $currency }: the model has no currency, amounts are kept as written (reported once)
cml-empty-offer = an empty <Предложение>: expected Ид and prices
cml-offer-no-id = an offer has no Ид: it cannot be matched to goods
cml-price-per-package = offer { $id }: a price is per a packaging unit (Коэффициент { $factor }); the amount is kept as written (reported once)
cml-price-no-type = a price has no ИдТипаЦены: its price type is unknown
cml-price-second = offer { $id }: a second price of type { $price_type }; the first is kept
cml-offer-twice = offer { $id } appears twice; the second is ignored
cml-offer-prices-disagree = offer { $id }: two parts of the package give price type { $price_type } different amounts; the first is kept

# Reading: orders (Документ).
cml-empty-document = an empty <Документ/> is skipped
cml-expected-date = a date as yyyy-mm-dd
cml-expected-time = a time as hh:mm:ss
cml-no-operation = a Документ without ХозОперация is read as an order («Заказ товара»)
cml-order-total-computed = order { $order } has no Сумма; the total { $total } is computed from its lines
cml-expected-quantity = the line's quantity (Количество)

# Writing: orders.
cml-record-before-begin = { $format }: a record came before the document began
cml-begun-twice = { $format }: the writer was begun twice
cml-decimal-comma-ignored = CommerceML numbers use a decimal point; --decimal-separator comma is ignored
cml-write-kind-unsupported = write { $kind } (it writes catalogues and orders)
cml-write-in-orders = write { $kind } in an orders document
cml-order-no-time = order { $order } has no order or creation time; Дата is left out
cml-order-no-lines = order { $order } lists no goods (the input has no lines): the document has no Товары
cml-order-total-mismatch = order { $order }: Сумма { $total } is not the lines { $lines } − discount + delivery ({ $expected }); written as given
cml-dropped-in-document = order { $order }: a { $format } document cannot hold { $fields }; not written
cml-client-no-name = order { $order }: the client has no name; Контрагент is named { $name }
cml-field-nomenclature-id = nomenclature id { $id }
cml-field-vat = VAT { $rate }
cml-line-nomenclature-id = order { $order }, line { $line }: no product code; Ид is Бифит's nomenclature id { $id }, which 1C does not know
cml-line-no-code = order { $order }, line { $line }: no product code; Ид is left out (1C matches by name or not at all)
cml-line-no-price = order { $order }, line { $line }: no price; ЦенаЗаЕдиницу is left out
cml-dropped-in-line = order { $order }, line { $line }: a { $format } document line cannot hold { $fields }; not written
cml-fractional-quantity = order { $order }, line { $line }: quantity { $quantity }
cml-unit-assumed = order lines carry no unit: БазоваяЕдиница of { $count } { $count ->
        [one] line
       *[other] lines
    } is written as 796 «Штука»
cml-unit-assumed-weight = order lines carry no unit: БазоваяЕдиница of { $count } { $count ->
        [one] line
       *[other] lines
    } is written as 796 «Штука» ({ $example } looks like a weight: check those lines in 1C)

# Writing: the catalogue.
cml-write-in-catalog = write { $kind } in a catalogue
cml-groups-missing = groups { $codes } are not in the input; their products still name them in Группы/Ид
cml-group-twice = group { $code } ({ $name }) comes twice; the first is written
cml-group-parent-missing = group { $code } ({ $name }) names the parent { $parent }, which is not in the input; written at the top level
cml-group-cycle = group { $code } ({ $name }) is its own ancestor through its parents; written at the top level
cml-group-extra-dropped = group { $code }: extra fields { $fields } are not element names a { $format } group can hold; not written
cml-product-second-price = product { $code }: a second price of type { $price_type }; an offer holds one, the first is written
cml-price-type-no-name = product { $code }: a price type without a name is written as { $id }
cml-price-type-disagrees = price type { $id }: product { $code } has it as { $name } (VAT included: { $vat }), an earlier product as { $first_name } ({ $first_vat }); a { $format } price type has one name and one VAT flag, the first is written (reported once)
cml-vat-included = { $flag ->
    [yes] Some(true)
    [no] Some(false)
   *[unknown] None
}
cml-product-no-name = product { $code } has no name; Наименование is its code
