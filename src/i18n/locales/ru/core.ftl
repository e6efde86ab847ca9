# Место во входном файле и обрамление ошибок. Аргументы `$value` приходят в кавычках.
pos-line-column = строка { $line }, столбец { $column }
pos-line = строка { $line }
pos-byte = байт { $byte }
pos-join = { $first }: { $second }
pos-text = { $text }
pos-record = запись { $record }
excerpt-length = всего { $bytes } { $bytes ->
    [one] байт
    [few] байта
   *[many] байт
}

error-bad-value = неверное значение { $value }: ожидается { $expected }
error-unknown-format = неизвестный формат { $name }; список форматов выводит `kassa-bridge formats`
error-undetected = не удалось определить формат файла { $input }: { $reason }; укажите его в --from
error-ambiguous = файл { $input } подходит под несколько форматов: { $candidates }; укажите нужный в --from
error-unsupported = формат { $format } не позволяет { $action }
error-strict = { $warning } (ошибка, так как задан --strict)
error-limit = { $what } превышает предел { $limit }: если файл правильный, увеличьте его параметром { $option }
