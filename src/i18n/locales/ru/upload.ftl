# Отправка в сервисы и загрузка из них (Кассатка, БИФИТ Касса): `kassa-bridge upload`, `receipts`, `bifit`.
upload-error = ошибка: { $error }
upload-unknown-status = неизвестный статус { $status }; ожидается один из: { $expected }
upload-progress-converting = преобразование
upload-progress-job = задание { $key }: { $status }
upload-progress-items = поз.
upload-progress-eta = осталось
upload-problem = проблема: { $problem }
upload-bifit-rows-processed = проблема: БИФИТ Касса обработала { $rows } { $rows ->
    [one] строку
    [few] строки
   *[many] строк
    } из { $products } { $products ->
    [one] отправленного товара
   *[other] отправленных товаров
}
upload-failed-folder = не загружена группа { $id }: { $message }
upload-failed-product = не загружен товар { $id }: { $message }
upload-stopped = ошибка: отправка прервана (не отправлено позиций: { $count }): { $reason }
upload-standard-output = стандартный вывод
upload-receipts-written = kassatka-receipts → { $format }: записано чеков: { $count } в { $dest } (XML в том виде, как его прислал сервис: { $raw })
upload-trade-object = торговый объект { $id }  { $name }
upload-order-status-changed = заказ { $id }: { $from } → { $to }
upload-order-status-already = заказ { $id }: уже в статусе { $status }; ничего не отправлено
upload-order-written = онлайн-заказ { $id } → { $format }: записан в { $path }

## HTTP (после двоеточия — слова самого сервиса или системы)
upload-http-attempts-zero = [http] attempts = 0: нужна хотя бы 1 попытка
upload-http-timeout-zero = [http] timeout = "0s": нужно значение больше 0
upload-http-gave-up = { $what }: не удалось за { $tries } { $tries ->
    [one] попытку
    [few] попытки
   *[many] попыток
    } ({ $seconds } с): { $reason }
upload-http-transfer-broke-off = передача прервалась: { $error }
upload-http-timed-out = истекло время ожидания ({ $what })
upload-http-connection-error = ошибка соединения: { $error }
upload-http-could-not-connect = не удалось подключиться
upload-http-host-not-found = сервер не найден
upload-http-bad-request = не удалось составить запрос: { $reason }
upload-answer-not-json = ответ сервиса — не JSON
upload-check-base-url = проверьте адрес сервиса (base-url)

## Кассатка
upload-kassatka-sent = Кассатка: отправлено групп: { $groups }, товаров: { $products } (задание { $process }): { $status }
upload-kassatka-not-waited = результат не ожидался
upload-bad-date = неверная дата { $date }: ожидается ГГГГ-ММ-ДД или ГГГГ-ММ-ДД ЧЧ:ММ:СС
upload-kassatka-no-token = не задан api-токен Кассатки: укажите { $env } или `token` в разделе [kassatka] файла настройки
upload-kassatka-token-refused = сервис не принял api-токен
upload-kassatka-no-success = сервис ответил без признака успеха
upload-kassatka-no-process-key = в ответе нет process_key
upload-period-reversed = период начинается ({ $from }) позже, чем заканчивается ({ $to })
upload-kassatka-no-status = в ответе нет статуса
upload-kassatka-job-failed = задание { $key } завершилось со статусом { $status }
upload-kassatka-job-timeout = задание { $key } всё ещё в статусе { $status } через { $seconds } с; ожидание прекращено (poll-limit = { $limit }). На стороне Кассатки оно ещё может завершиться
upload-kassatka-json-not-xml = ожидался XML с чеками, а пришёл JSON

## БИФИТ Касса
upload-bifit-missing = не задан { $what } БИФИТ Кассы: укажите { $env } или `{ $key }` в разделе [bifit] файла настройки
upload-bifit-login = логин
upload-bifit-password = пароль
upload-bifit-login-refused = сервис не принял логин или пароль
upload-bifit-refresh-refused = сервис не принял токен обновления
upload-bifit-no-access-token = в ответе нет access_token
upload-bifit-401-again = HTTP 401 даже с новым токеном (учётной записи нужны полные права)
upload-bifit-not-array = ожидался массив JSON
upload-bifit-no-organization = в учётной записи БИФИТ Кассы нет ни одной организации
upload-bifit-many-organizations = в учётной записи несколько организаций ({ $count }): { $organizations }; укажите нужную в --org, { $env } или `organization-id` в [bifit]
upload-order-refused = заказ { $id }: { $reason }; ничего не отправлено
upload-order-not-json = онлайн-заказ { $id }: ответ сервиса — не JSON
upload-order-unknown-status = его статус { $status } правилам неизвестен
upload-order-not-expected = он в статусе { $status }, а не { $expected }
upload-bifit-tally = создано: { $created }, изменено: { $updated }, без изменений: { $unchanged }, с ошибкой: { $failed }
upload-bifit-api-outcome = БИФИТ Касса (организация { $organization }): товары — { $products }; группы — { $folders }
upload-bifit-not-tried = не отправлено: { $count }
upload-bifit-item-no-id = у позиции нет id
upload-bifit-unexpected-answer = неожиданный ответ
upload-bifit-folder-not-uploaded = его группа { $folder } не загружена
upload-bifit-folder-unknown = его группы { $folder } нет ни во входном файле, ни в БИФИТ Кассе
upload-bifit-created-not-found = позиция { $id } создана, но найти её не удаётся
upload-bifit-duplicate = код { $id } встречается во входном файле несколько раз; в БИФИТ Кассе останется последний
upload-bifit-csv-outcome = загрузка CSV в БИФИТ Кассу (организация { $organization }): отправлено групп: { $groups }, товаров: { $products }
upload-bifit-csv-rows = обработано строк: { $rows }
upload-bifit-csv-exception = исключение: { $message }
upload-bifit-csv-problems = сообщений о проблемах: { $count }
upload-bifit-csv-row = строка { $row }: { $message }
upload-endpoint-shape = { $spec }: ожидается `МЕТОД /путь`, например `PUT /protected/nomenclatures`
upload-endpoint-method = { $spec }: метод должен быть PUT, POST или PATCH
upload-sync-state-unreadable = { $path }: это не файл состояния синхронизации kassa-bridge ({ $error }); уберите его, чтобы начать заново (тогда следующая отправка сверится с сервисом, а не с файлом)
upload-sync-state-version = { $path }: файл состояния формата { $format } версии { $version }, а ожидается { $expected_format } версии { $expected_version }
upload-bifit-json-no-item = нет item
upload-bifit-json-no-external-id = позиция без externalId
upload-bifit-token-refreshed = HTTP 401; токен обновлён
upload-order-input = онлайн-заказ { $id }
