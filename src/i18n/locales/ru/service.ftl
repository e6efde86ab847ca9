## `kassa-bridge service …`: папка обмена как служба Windows (systemd на других системах)
service-systemd-install = в этой системе нет диспетчера служб Windows: папка обмена работает под systemd. Сохраните напечатанный выше юнит как /etc/systemd/system/{ $name }.service (kassa-bridge service install --config ФАЙЛ > /etc/systemd/system/{ $name }.service), добавьте User= с учётной записью, которой доступны папки, затем выполните: systemctl daemon-reload && systemctl enable --now { $name }
service-systemd-install-manual = в этой системе нет диспетчера служб Windows: папка обмена работает под systemd. Сохраните напечатанный выше юнит как /etc/systemd/system/{ $name }.service, добавьте User= с учётной записью, которой доступны папки, затем выполните systemctl daemon-reload, а когда нужно — systemctl start { $name }
service-systemd-other = в этой системе нет диспетчера служб Windows: папка обмена работает под systemd (kassa-bridge service install печатает её юнит); здесь это: { $command }
service-access-denied = диспетчер служб отказал ({ $error }): запустите команду из консоли, открытой через «Запуск от имени администратора»
service-not-installed = службы { $name } нет (kassa-bridge service install --name { $name } её регистрирует)
service-exists = служба { $name } уже есть (kassa-bridge service uninstall --name { $name } её удаляет; --name даёт второй службе другое имя)
service-marked-for-delete = служба { $name } удаляется: закройте окно «Службы» и «Просмотр событий» и повторите
service-error = служба { $name }: { $error }
service-partly = служба { $name } установлена, но диспетчер служб не принял её описание или перезапуск после сбоя ({ $error }); задайте их в services.msc
service-description = Конвертирует то, что 1С кладёт в папки обмена, и передаёт дальше (kassa-bridge watch --config { $config })
service-start-auto = запускается вместе с Windows, после сбоя перезапускается
service-start-manual = запускается по команде
service-start-disabled = отключена
service-installed = служба { $name } установлена ({ $start }); она ведёт папку обмена по { $config } от имени LocalSystem, журнал пишет в { $logs }. Запустить сейчас: { $next }
service-stopping = служба { $name } останавливается (файл, который сейчас конвертируется, будет доделан) …
service-uninstalled = служба { $name } удалена (настройки и папка данных остались как были)
service-uninstall-pending = служба { $name } помечена к удалению; Windows удалит её, когда все программы, открывшие её («Службы», «Просмотр событий»), её закроют
service-started = служба { $name } работает (процесс { $pid })
service-start-failed = служба { $name } сразу остановилась (код { $code }); её журнал — в { $logs }, ошибки — также в журнале событий Windows (Приложение, источник { $name })
service-start-timeout = служба { $name } не сообщила о запуске за { $seconds } с (сейчас: { $state })
service-stopped = служба { $name } остановлена
service-stop-timeout = служба { $name } всё ещё останавливается через { $seconds } с (доделывает текущий файл); kassa-bridge service status покажет, когда она остановится
service-not-running = служба { $name } не запущена
service-status-state = служба { $name }: { $state }
service-status-pid = процесс: { $pid }
service-status-command = команда: { $command }
service-status-start = запуск: { $start }
service-status-logs = файлы журнала: { $logs }
service-state-running = работает
service-state-stopped = остановлена
service-state-starting = запускается
service-state-stopping = останавливается
service-state-paused = приостановлена
service-run-console = `service run` запускает диспетчер служб Windows; в консоли выполните kassa-bridge watch --config { $config }
service-event-started = папка обмена kassa-bridge запущена: { $config }; файлы журнала в { $logs }
service-event-stopped = папка обмена kassa-bridge остановлена: { $config } (код { $code })
