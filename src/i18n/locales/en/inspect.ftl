# `inspect` findings. Amounts come without trailing zeros.
inspect-warning-at = { $position }: { $warning }
inspect-warning = { $warning }
inspect-duplicate-group-code = group code { $code } appears more than once
inspect-duplicate-code = product code { $code } appears more than once
inspect-empty-code = product { $name } has no code
inspect-price-type-unnamed = (unnamed)
inspect-empty-price = product { $code }: price { $price_type } is empty
inspect-zero-price = product { $code }: price { $price_type } is zero
inspect-negative-price = product { $code }: price { $price_type } is negative ({ $amount })
inspect-bad-ean-check-digit = product { $code }: barcode { $barcode } has a wrong EAN check digit
inspect-shared-barcode = barcode { $barcode } is on products { $owner } and { $code }
inspect-line-sum-mismatch = document { $doc }, line { $line } ({ $code }): Sum { $sum } ≠ Price { $price } × Quantity { $quantity } = { $expected }
inspect-line-discount-mismatch = document { $doc }, line { $line } ({ $code }): SumWithDiscount { $sum_with_discount } ≠ Sum { $sum } − Discount { $discount }
inspect-doc-sum-mismatch = document { $doc }: DocSum { $total } ≠ Σ line sums { $lines }
inspect-doc-total-mismatch = document { $doc }: DocSumWithDiscount { $total } ≠ Σ lines' SumWithDiscount { $lines }
inspect-payment-mismatch = document { $doc }: payments { $paid } (cash { $cash } + card { $card } + other { $other }) ≠ DocSumWithDiscount { $total }
inspect-order-no-id = (no id)
inspect-missing-status = order { $order } has no status
inspect-status-before-creation = order { $order }: status set at { $status_time }, before the order was created ({ $created })
inspect-order-line-sum-mismatch = order { $order }, line { $line } ({ $name }): sum { $sum } ≠ price { $price } × quantity { $quantity } − discount = { $expected }
inspect-order-total-mismatch = order { $order }: totalAmount { $total } ≠ Σ lines { $lines } − discount + delivery = { $expected }
inspect-missing-group = { $count } products belong to group { $group }, which is not in the file
inspect-missing-parent-group = group { $group } has parent { $parent }, which is not in the file
inspect-group-cycle = groups form a cycle: { $cycle } → { $parent }
