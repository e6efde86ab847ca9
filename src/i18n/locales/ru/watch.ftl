# Папка обмена: отчёт об ошибке рядом с файлом, `status`, журнал работы watch, настройка.

## Отчёт `.error.txt` (его читает бухгалтер)
watch-report-title = kassa-bridge не смог обработать файл { $files }
watch-report-route = маршрут: { $route }; время: { $at }
watch-report-sha256 = sha256 файла { $file }: { $sha256 }
watch-report-what-is-wrong = Что не так (и где):
watch-report-what-to-do = Что делать:
watch-report-drop-again = Затем положите исправленный файл во входящую папку ещё раз ({ $inbox }). Этот файл сохранён без изменений, в исходящую папку по нему ничего не записано.
watch-advice-fix-file = Исправьте файл в указанном выше месте — лучше в той программе, которая его сделала (1С, Айтида, электронная таблица), — и выгрузите его заново. Если неверна только кодировка, укажите `encoding` в таблице [route.read] этого маршрута.
watch-advice-set-from = Формат не удалось определить по содержимому: укажите `from = "FORMAT"` в этом маршруте (список форматов выводит `kassa-bridge formats`) или кладите в эту входящую папку только файлы для этого маршрута.
watch-advice-ambiguous = Этому файлу подходит несколько форматов: укажите нужный в параметре `from` этого маршрута.
watch-advice-unsupported = Целевой формат этого маршрута не подходит для таких данных (например, чеки не записать в формат справочника товаров): кладите такие файлы во входящую папку маршрута с подходящим целевым форматом.
watch-advice-option = Для преобразования этих данных нужен параметр: укажите его в таблице [route.target.write] целевого формата, как сказано в сообщении (например, `price-type = "Розничная"`).
watch-advice-unreadable = Файл не удалось прочитать: проверьте, что файл целый и доступен для чтения.
watch-advice-limit = Файл превышает предел, который ограничивает расход памяти: если файл правильный, увеличьте названный в сообщении предел в таблице [route.read.limits] этого маршрута.
watch-advice-outbox = Освободите место на диске исходящей папки (или исправьте саму папку: её нет, это не папка, в неё нельзя писать), проверьте, что результат вообще может там поместиться, или увеличьте `max-retries`.
watch-outbox-gave-up = результат не удалось записать в исходящую папку за { $tries } { $tries ->
    [one] попытку
    [few] попытки
   *[many] попыток
    } (max-retries = { $max_retries }): { $reason }
watch-dead-letter = на этом файле kassa-bridge останавливался { $attempts } { $attempts ->
    [one] раз
    [few] раза
   *[many] раз
    } (программа аварийно завершалась или её снимали до конца преобразования); файл отложен, чтобы обработать следующие за ним файлы
watch-advice-dead-letter = Посмотрите, что необычного в файле (размер; заявленный диапазон или число ячеек таблицы; очень длинная строка или значение), и выгрузите его заново — меньшего размера или исправленным. Если файл выглядит правильным, сообщите о нём разработчику и приложите этот отчёт: программа должна отклонять плохой файл с ошибкой, а не падать. Параметр `max-attempts` задаёт, после скольких прерванных преобразований файл откладывается.

## Задание
watch-not-a-folder = { $folder } — не папка
watch-folder-cannot-be-made = папки { $folder } нет, и создать её не удалось: { $error }
watch-journal-unwritable = не удалось записать журнал: { $error }
watch-input-unreadable = не удалось прочитать { $path }: { $error }
watch-outbox-failing = сбой исходящей папки: { $reason }
watch-outbox-failing-at = сбой исходящей папки: { $path }: { $error }
watch-cannot-move-file = не удалось переместить файл: { $reason }
watch-cannot-write-report = не удалось записать отчёт об ошибке: { $error }
watch-cannot-move = не удалось переместить { $from } в { $to }: { $error }
watch-vanished-before = файл удалён из processing/ до преобразования
watch-vanished-while = файл удалён из processing/ во время преобразования
watch-repeat = повтор: файл с таким же содержимым уже был преобразован; новый результат не создан
watch-converting = преобразование
watch-converted = преобразован
watch-failed = ошибка: { $error }

## Запуск
watch-cannot-make-folder = не удалось создать папку: { $error }
watch-removed-partials = удалены недописанные файлы прерванного запуска
watch-cannot-list = не удалось прочитать список файлов: { $error }
watch-redoing = повторное преобразование, прерванное остановкой
watch-finishing-move = завершение перемещения, прерванного остановкой
watch-back-to-inbox = возвращён во входящую папку, чтобы дождаться остальных файлов пакета
watch-cannot-put-back = не удалось вернуть файл во входящую папку: { $error }
watch-converting-left = преобразование файла, оставшегося в processing/ после остановки
watch-set-aside = { $error }; файл перенесён в error/

## Журнал работы watch
watch-journal-lines-skipped = пропущены нечитаемые строки журнала (обрыв последней строки после отключения питания — это нормально)
watch-watching = папка обмена под наблюдением
watch-route = маршрут
watch-uploads-queued = по журналу есть файлы, ожидающие отправки
watch-pull = загрузка из сервиса
watch-idle = больше нечего делать
watch-stopped = остановлено
watch-no-events = уведомления файловой системы недоступны ({ $error }); входящие папки просматриваются каждые rescan-interval
watch-no-events-inbox = для этой входящей папки нет уведомлений файловой системы ({ $error }); она просматривается каждые rescan-interval
watch-blocked = { $reason }; файл ждёт в processing/
watch-working-again = работа возобновлена
watch-inbox-listed-again = входящая папка снова доступна
watch-cannot-list-inbox = не удалось прочитать входящую папку: { $error }
watch-cannot-take = файл пока нельзя взять (его ещё записывает другая программа?): { $error }
watch-taken = файл взят в работу
watch-journal-compacted = журнал сжат: завершённые задания старше срока хранения сведены в итоговую запись
watch-cannot-remove-flag = не удалось удалить файл-флаг: { $error }
watch-name-not-unicode = имя файла не в Юникоде: файл пропущен
watch-package-incomplete = остальные файлы пакета не пришли за время pair-wait: преобразуется то, что есть

## Отправка в сервис (`upload = …`)
watch-uploading = отправка
watch-upload-stopped-early = отправка прервана
watch-upload-output-gone = файла { $output } уже нет в исходящей папке: отправлять нечего
watch-uploaded = отправлено: { $outcome }
watch-uploaded-with-problems = отправлено с ошибками: { $outcome }
watch-upload-failed-retry = отправка не удалась: { $error }; файл остаётся в очереди
watch-upload-failed-given-up = отправка не удалась: { $error }; повтор не поможет: файл остаётся в очереди до следующего запуска

## Загрузка из сервиса (`[[pull]]`)
watch-pull-journal-compacted = журнал загрузок сжат
watch-pull-journal-lines-skipped = пропущены нечитаемые строки журнала загрузок
watch-pull-cannot-finish = прерванный период пока не удаётся завершить: { $error }

## `kassa-bridge status`; `$at` и числа приходят готовыми
watch-status-attempt = попытка { $attempt }: { $error }
watch-status-waiting = ожидание: { $reason }
watch-status-from = с { $from }
watch-status-interrupted-started = { $from } – { $to }: начат, но не завершён; будет выполнен заново при следующем запуске
watch-status-interrupted-staged = { $from } – { $to }: подготовлен; файлы будут выложены при следующем запуске
watch-status-every = каждые { $interval }
watch-status-at = в { $times }
watch-status-data-folder = папка данных: { $path }
watch-status-journal = журнал:       { $path }
watch-status-skipped-lines = {"              "}(пропущено нечитаемых строк: { $count })
watch-status-route = маршрут { $name }
watch-status-route-gone = маршрут { $name } (больше нет в настройке)
watch-status-now = сейчас:    во входящей папке: { $inbox }, в processing: { $processing }, в error: { $errors }
watch-status-counts = журнал:    преобразовано: { $converted }, повторов: { $repeats }, ошибок: { $failed }, исчезло: { $vanished }
watch-status-uploads = отправка:  в очереди: { $queued }, отправлено: { $uploaded }
watch-status-last-upload-error = последняя ошибка отправки { $at }: { $error } ({ $outputs })
watch-status-blocked = ОСТАНОВЛЕНО с { $at }: { $error }
watch-status-last-converted = последние преобразованные:
watch-status-last-errors = последние ошибки:
watch-status-report = отчёт: { $path }
watch-status-pull-journal-skipped = журнал загрузок: пропущено нечитаемых строк: { $count }

## `kassa-bridge watch`, `init`, `status`
watch-no-signal-handler = не удалось перехватить Ctrl-C/SIGTERM ({ $error }); остановка может прервать преобразование (при перезапуске оно будет выполнено заново)
watch-log-dir-failed = не удалось писать журнал в { $dir } ({ $error }); журнал идёт в стандартный вывод ошибок
watch-output-in-use = { $path } открыт другой программой, заменить его нельзя: новый результат записан под новым именем
watch-done = готово
watch-uploads-left = сервис отклонил отправку, файлы остались в очереди (см. `kassa-bridge status`); код выхода { $code }
watch-pull-failures = загрузка из сервиса не удалась и будет повторена при следующем запуске (см. `kassa-bridge status`); код выхода { $code }
watch-init-exists = ошибка: { $path } уже существует; чтобы заменить его, добавьте --force
watch-init-wrote = записан файл настройки { $path }; кладите файлы в { $inbox } и запустите { $command }: преобразованные файлы появятся в { $outbox }
watch-error = ошибка: { $error }

## Настройка (kassa-bridge.toml); `$file` — путь к ней, аргументы в кавычках приходят с кавычками
watch-config-error = { $file }: { $message }
watch-config-error-at = { $file }: { $at }: { $message }
watch-config-the-configuration = настройка
watch-config-kassatka-token = токен Кассатки: `token` в [kassatka] или KASSA_BRIDGE_KASSATKA_TOKEN
watch-config-bifit-credentials = логин и пароль БИФИТ Кассы: `login` и `password` в [bifit] или KASSA_BRIDGE_BIFIT_LOGIN и KASSA_BRIDGE_BIFIT_PASSWORD
watch-config-pull-needs = { $file }: для загрузки { $pull } нужно указать { $what }
watch-config-upload-needs = { $file }: у маршрута { $route } задано upload = { $upload }, для этого нужно указать { $what }
watch-config-zero-interval = { $file }: check-interval, rescan-interval и retry-min должны быть больше нуля
watch-config-retry-max = { $file }: retry-max не может быть меньше retry-min
watch-config-max-attempts = { $file }: max-attempts должно быть не меньше 1, а journal-retention — больше нуля
watch-config-nothing = { $file }: нет ни [[route]], ни [[pull]]: в маршруте укажите хотя бы входящую папку (inbox) и [[route.target]] с форматом; в загрузке — сервис, что загружать, расписание и [[pull.target]]
watch-config-route-name = имя маршрута может состоять только из букв, цифр, `-`, `_` и `.`
watch-config-route-needs-name = когда маршрутов несколько, у каждого должно быть имя (`name`)
watch-config-route-with = `with` в маршруте не используется: файлы одного пакета (CommerceML import*.xml, offers*.xml, prices*.xml …), положенные вместе, собираются по имени
watch-config-cannot-read = формат { $format } нельзя читать
watch-config-route-no-target = у маршрута { $route } нет [[route.target]] с форматом
watch-config-owner-route = маршрута { $route }
watch-config-owner-pull = загрузки { $pull }
watch-config-unknown-upload = неизвестное значение upload { $upload }: ожидается "kassatka", "bifit-csv" или "bifit-api"
watch-config-upload-no-target = у маршрута { $route } задано upload = { $upload }, а оно отправляет результат маршрута в формате { $formats }: добавьте [[route.target]] с format = { $format }
watch-config-flag-file = `flag-file` — это имя файла во входящей папке, например "{"{"}name{"}"}.flag"
watch-config-unknown-lang = неизвестный язык lang = { $lang }: ожидается "ru" или "en"
watch-config-name-taken = имя { $name } уже занято другим маршрутом или загрузкой
watch-config-output-name = `output` — это имя файла (без папок и не с точки в начале), например "{ $example }"
watch-config-same-output = два целевых формата { $owner } пишут в один файл { $output }: задайте `output`
watch-config-route-twice = два маршрута с именем { $route }
watch-config-folder-shared = маршрут { $route } использует папку { $folder } как { $role }, но маршрут { $other } использует её как { $other_role }; укажите в `{ $role }` отдельную папку
watch-config-writes-own-inbox = маршрут { $route }: его папка { $role } ({ $folder }) совпадает с его входящей папкой или processing
watch-config-pull-name = имя загрузки может состоять только из букв, цифр, `-`, `_` и `.`
watch-config-every-zero = `every` должно быть больше нуля
watch-config-pull-schedule = для загрузки { $pull } нужно расписание: `every = "15m"` или `at = ["06:00", "22:30"]` (что-то одно)
watch-config-max-period = `max-period` должно быть не меньше одной секунды
watch-config-utc-offset = неверный utc-offset { $value }: ожидается, например, "+03:00"
watch-config-pull-no-target = у загрузки { $pull } нет [[pull.target]] с форматом
watch-config-pull-wrong-kind = формат { $format } не подходит для данных вида { $kind }, которые получает загрузка { $pull }
watch-config-bad-time = неверное время { $time } в `at`: ожидается ЧЧ:ММ по местному времени, например "06:00"
watch-config-no-time = в `at` не указано время: укажите хотя бы одно, например at = ["06:00"]
watch-config-unknown-source = загрузить нечего: service = { $service }, fetch = { $fetch } не поддерживается; есть только { $known }

## Один watch на папку данных
watch-lock-pid-unknown = pid неизвестен
watch-lock-pid = pid { $pid }
watch-lock-busy = папку данных { $folder } уже использует другой `kassa-bridge watch` ({ $holder }); на одну папку данных запускайте один watch (остановите тот или укажите этому свою --data-dir)
watch-lock-taken-over = блокировка перехвачена у watch, который завершился некорректно (аварийно или был снят)
watch-config-built-in = <встроенная настройка>

## `kassa-bridge stop`
stop-nothing-runs = на папке данных { $folder } наблюдатель не запущен
stop-pid-unknown = на папке данных { $folder } работает наблюдатель, но его номер процесса не прочитать из watch.lock
stop-request-failed = не удалось попросить наблюдателя (процесс { $pid }) остановиться: { $error }
stop-asked = наблюдатель (процесс { $pid }) папки { $folder } получил просьбу остановиться; сначала он доделает текущий файл
stop-stopped = наблюдатель (процесс { $pid }) остановлен
stop-still-running = наблюдатель (процесс { $pid }) ещё работает спустя { $waited } (долгое преобразование?); он остановится после этого файла
stop-cannot-listen = `kassa-bridge stop` не сможет остановить этого наблюдателя ({ $error }); Ctrl-C или Ctrl-Break в его консоли по-прежнему работают
