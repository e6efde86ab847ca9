# Кассатка: nomenclature (`kassatka-xml`) and receipts (`kassatka-receipts`). Arguments `$value`,
# `$text`, `$layout`, `$price_type`, `$article`, `$kept`, `$dropped` come quoted.

# Nomenclature: reading.
kassatka-date-bad = Date { $value } is not a dd.mm.yyyy date; kept as text
kassatka-wrong-root = the root element is <{ $name }>: expected <{ $root }> (Кассатка nomenclature)
kassatka-no-root = no <{ $root }> element: the file is empty or not Кассатка nomenclature
kassatka-expected-group-code = the group's code
kassatka-expected-product-code = the product's code
kassatka-expected-product-name = the product's name
kassatka-vat-conflict = product { $code }: price type { $price_type } has VAT { $vat }, another has { $existing }; the model keeps one VAT per product ({ $existing })
kassatka-rows-disagree = product { $code }: the rows of its price types disagree on { $field } ({ $kept } and { $dropped }); the model keeps one ({ $kept })
kassatka-unknown-element = unknown element <{ $name }> inside <{ $parent }> is not part of Кассатка nomenclature; skipped
kassatka-unknown-attributes = product { $code }: unknown attributes { $names } skipped
kassatka-stray-text = text { $text } directly inside <{ $parent }> skipped

# Nomenclature: writing.
kassatka-layout-unknown = the input's { $format } layout { $layout } is not api or 1c; written in the { $written } layout
kassatka-group-split = the products of group { $code } are not together in the input; the group is written in more than one ProductGroup element
kassatka-includes-vat-assumed = product { $code }: the input does not say whether its prices include VAT; IncludesVAT written as Да
kassatka-product-lost = product { $code }: { $format } cannot hold { $lost }; not written
kassatka-product-lost-api = product { $code }: { $format } cannot hold { $lost }; not written (--kassatka-dialect 1c keeps articles, VAT and all barcodes)
kassatka-lost-barcodes-first = barcodes { $barcodes } (only the first fits)
kassatka-lost-barcodes-one = barcodes { $barcodes } (only one fits)
kassatka-lost-barcodes-not-digits = barcodes { $barcodes } (not digits; Product@Barcode holds digits only)
kassatka-lost-barcodes-1c = barcodes { $barcodes } (the layout holds Latin letters, digits and - . _ / only)
kassatka-lost-article = article { $article }
kassatka-lost-vat = VAT { $vat }
kassatka-lost-vat-no-prices = VAT { $vat } (it is written on prices and the product has none)
kassatka-lost-price-codes = price codes / IncludesVAT
kassatka-lost-weighted = the weighted flag
kassatka-lost-service = the service flag
kassatka-lost-extra = extra fields { $names }
kassatka-group-extra-dropped = group { $code }: { $format } cannot hold { $names }; not written
kassatka-group-missing = group { $code } is not in the input; its { $count } products are written outside any group with ParentCode { $code }

# Receipts.
kassatka-expected-date-time = a date-time like 2018-04-16T11:08:31+0000 (ISO 8601 with a UTC offset)
kassatka-receipts-wrong-root = the root element is <{ $name }>: expected <{ $root }> (Кассатка receipts)
kassatka-receipts-no-root = no <{ $root }> element: the file is empty or not Кассатка receipts
kassatka-empty-doc = an empty <Doc/>: expected Head and Products
kassatka-receipts-unknown-element = unknown element <{ $name }> inside <{ $parent }> skipped
kassatka-doc-no-head = a <Doc> without <Head>
kassatka-doc-missing = <{ $element }> is missing: every Doc needs it
kassatka-line-missing = <{ $element }> is missing in a receipt line
kassatka-receipt-lost = receipt { $number }: { $format } cannot hold { $lost }; not written
kassatka-lost-return = that it is a return
kassatka-lost-other-payment = a payment of { $amount } that is neither cash nor card
kassatka-lost-fields = fields { $names }
kassatka-lost-line = line { $code }: barcode, article or extra fields
kassatka-hold-catalog = hold catalog records
