# Общий для всех XML-форматов слой: чтение (правильность XML, пределы, атрибуты) и запись
# (символы, недопустимые в XML). Аргументы `$value`, `$text` приходят в кавычках.
xml-not-well-formed = ошибка в структуре XML: { $detail }
xml-unknown-entity = неизвестная сущность &{ $name };
xml-limit-depth = вложенность элементов ({ $depth })
xml-limit-value = значение длиной { $bytes } { $bytes ->
    [one] байт
    [few] байта
   *[many] байт
}
xml-unexpected-element = внутри <{ $element }> стоит элемент <{ $name }>, а ожидается простое значение
xml-truncated = файл обрывается внутри <{ $element }>: он неполный (скопирован или выгружен не до конца?)
xml-bad-attribute = ошибка в атрибутах элемента <{ $element }>: { $error }
xml-bad-attribute-value = ошибка в значении атрибута { $element }@{ $attribute }: { $error }
xml-attribute-missing = нет атрибута { $name } ({ $expected })

# Перечисления внутри сообщения.
xml-list-comma = { $head }, { $item }
xml-list-semicolon = { $head }; { $item }

# Запись, в которой удалён символ.
xml-subject-group = группа { $code }
xml-subject-product = товар { $code }
xml-subject-receipt = чек { $number }
xml-subject-document = атрибуты документа
xml-character-removed = { $field }: из значения { $value } { $count ->
    [1] удалён символ { $chars }: в XML 1.0 он запрещён
   *[other] удалены символы { $chars }: в XML 1.0 они запрещены
}
xml-character-removed-in = { $subject }: { $field }: из значения { $value } { $count ->
    [1] удалён символ { $chars }: в XML 1.0 он запрещён
   *[other] удалены символы { $chars }: в XML 1.0 они запрещены
}
xml-characters-removed-more = символы, недопустимые в XML 1.0, удалены ещё из { $count } { $count ->
    [one] значения
   *[other] значений
}

# Все XML-форматы при записи.
xml-document-attributes-dropped = атрибуты документа { $names } не записаны: в { $format } для них нет места
