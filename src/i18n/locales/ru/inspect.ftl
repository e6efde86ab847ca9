# Находки `inspect`. Суммы приходят без лишних нулей.
inspect-warning-at = { $position }: { $warning }
inspect-warning = { $warning }
inspect-duplicate-group-code = код группы { $code } встречается больше одного раза
inspect-duplicate-code = код товара { $code } встречается больше одного раза
inspect-empty-code = у товара { $name } нет кода
inspect-price-type-unnamed = (без названия)
inspect-empty-price = товар { $code }: цена вида «{ $price_type }» не заполнена
inspect-zero-price = товар { $code }: цена вида «{ $price_type }» равна нулю
inspect-negative-price = товар { $code }: цена вида «{ $price_type }» отрицательная ({ $amount })
inspect-bad-ean-check-digit = товар { $code }: у штрихкода { $barcode } неверная контрольная цифра EAN
inspect-shared-barcode = штрихкод { $barcode } есть у двух товаров: { $owner } и { $code }
inspect-line-sum-mismatch = чек { $doc }, строка { $line } ({ $code }): сумма (Sum) { $sum } ≠ цена (Price) { $price } × количество (Quantity) { $quantity } = { $expected }
inspect-line-discount-mismatch = чек { $doc }, строка { $line } ({ $code }): сумма со скидкой (SumWithDiscount) { $sum_with_discount } ≠ сумма (Sum) { $sum } − скидка (Discount) { $discount }
inspect-doc-sum-mismatch = чек { $doc }: сумма чека (DocSum) { $total } ≠ сумма строк { $lines }
inspect-doc-total-mismatch = чек { $doc }: сумма со скидкой (DocSumWithDiscount) { $total } ≠ сумма строк со скидкой { $lines }
inspect-payment-mismatch = чек { $doc }: оплачено { $paid } (наличными { $cash } + картой { $card } + прочими { $other }) ≠ сумма чека со скидкой (DocSumWithDiscount) { $total }
inspect-order-no-id = (без номера)
inspect-missing-status = у заказа { $order } нет статуса
inspect-status-before-creation = заказ { $order }: статус установлен { $status_time }, раньше создания заказа ({ $created })
inspect-order-line-sum-mismatch = заказ { $order }, строка { $line } ({ $name }): сумма { $sum } ≠ цена { $price } × количество { $quantity } − скидка = { $expected }
inspect-order-total-mismatch = заказ { $order }: итог (totalAmount) { $total } ≠ сумма строк { $lines } − скидка + доставка = { $expected }
inspect-missing-group = { $count } { $count ->
    [one] товар входит
    [few] товара входят
   *[many] товаров входят
} в группу { $group }, которой нет в файле
inspect-missing-parent-group = у группы { $group } родитель { $parent }, которого нет в файле
inspect-group-cycle = группы образуют цикл: { $cycle } → { $parent }
