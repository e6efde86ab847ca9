# БИФИТ Касса: товары в CSV (bifit-csv) и JSON (bifit-json), онлайн-заказы (bifit-orders) и таблица заказов (orders-csv).

## Чтение
bifit-expected-code-column = код товара в EXTERNAL_CODE (или EXTERNAL_ID, или ID)
bifit-no-name-column = в строке заголовков нет столбца NAME: это не файл товаров БИФИТ
bifit-group-ambiguous = GROUP { $group } подходит к нескольким папкам; товар привязан к отдельной папке
bifit-expected-json-object = объект JSON
bifit-expected-item-code = код товара в externalCode, externalId или id
bifit-expected-string-array = массив строк
bifit-expected-object-array = массив объектов
bifit-expected-item-quantity = количество в позиции { $item } (quantity или count)
bifit-empty-object = пустой объект
bifit-object-with-only = объект только с полями { $keys }
bifit-not-an-order = { $what } — не заказ: ожидается хотя бы одно из полей id, externalId, currentStatusType, orderTime, totalAmount …
bifit-unknown-status = заказ { $number }: статуса { $status } нет в документации БИФИТ; сохранён как текст

## Запись
bifit-subject-folder = папка { $code }
bifit-subject-product = товар { $code }
bifit-folder-name-twice = две папки называются { $name }: по GROUP у товаров их не различить (укажите --bifit-group-ref code или path)
bifit-folder-fields-dropped = папка { $code }: в { $format } нет столбца для { $fields }; не записано
bifit-folder-cannot-hold = папка { $code }: в { $format } нет места для полей { $fields }; не записано
bifit-folder-link-dropped = { $subject }: папка { $folder } не записана (--bifit-groups none: API поштучной загрузки товаров на бесплатном тарифе не создаёт папки)
bifit-product-cannot-hold = товар { $code }: в формате { $format } нет места для: { $lost }; не записано
bifit-lost-price-types = виды цен { $types }
bifit-lost-barcodes = штрихкоды { $barcodes } (столбец BARCODE только один)
bifit-lost-folder = папка { $folder } (--bifit-groups none)
bifit-lost-comment = комментарий
bifit-lost-fields = поля { $fields }
bifit-lost-vat = НДС { $vat } (для него нет документированного vatValue)
bifit-action-hold-catalog-or-receipts = записать каталог товаров или чеки
bifit-bad-utc-offset = --utc-offset { $offset }: ожидается смещение вида +03:00
bifit-csv-write-failed = не удалось записать CSV: { $error }
