## `kassa-bridge service …`: the drop folder as a Windows service (systemd elsewhere)
service-systemd-install = this system has no Windows Service Control Manager: the drop folder runs under systemd. Save the unit printed above as /etc/systemd/system/{ $name }.service (kassa-bridge service install --config FILE > /etc/systemd/system/{ $name }.service), add User= for the account that may use the folders, then run: systemctl daemon-reload && systemctl enable --now { $name }
service-systemd-install-manual = this system has no Windows Service Control Manager: the drop folder runs under systemd. Save the unit printed above as /etc/systemd/system/{ $name }.service, add User= for the account that may use the folders, then run: systemctl daemon-reload, and systemctl start { $name } when it should run
service-systemd-other = this system has no Windows Service Control Manager: the drop folder runs under systemd (kassa-bridge service install prints its unit); here that is: { $command }
service-access-denied = the Service Control Manager refused ({ $error }): run this from a console opened with "Run as administrator"
service-not-installed = there is no service { $name } (kassa-bridge service install --name { $name } registers it)
service-exists = a service { $name } exists already (kassa-bridge service uninstall --name { $name } removes it; --name gives a second one another name)
service-marked-for-delete = service { $name } is being removed: close the Services window and Event Viewer, then try again
service-error = service { $name }: { $error }
service-partly = service { $name } is installed, but the service manager did not take its description or its restart-after-failure settings ({ $error }); set them in services.msc
service-description = Converts what 1C drops into the exchange folders and sends it on (kassa-bridge watch --config { $config })
service-start-auto = starts with Windows, restarted after a failure
service-start-manual = starts when asked
service-start-disabled = disabled
service-installed = installed service { $name } ({ $start }); it runs the drop folder of { $config } as LocalSystem and logs to { $logs }. Start it now: { $next }
service-stopping = stopping service { $name } (the file being converted is finished first) …
service-uninstalled = removed service { $name } (the configuration and the data folder are left as they were)
service-uninstall-pending = service { $name } is marked for removal; Windows removes it once every program that has it open (the Services window, Event Viewer) closes it
service-started = service { $name } is running (process { $pid })
service-start-failed = service { $name } stopped at once (exit code { $code }); its log is in { $logs }, its errors also in the Windows event log (Application, source { $name })
service-start-timeout = service { $name } has not reported running after { $seconds } s (now: { $state })
service-stopped = service { $name } stopped
service-stop-timeout = service { $name } is still stopping after { $seconds } s (it finishes the file it is converting); kassa-bridge service status tells when it has stopped
service-not-running = service { $name } is not running
service-status-state = service { $name }: { $state }
service-status-pid = process: { $pid }
service-status-command = runs: { $command }
service-status-start = start: { $start }
service-status-logs = log files: { $logs }
service-state-running = running
service-state-stopped = stopped
service-state-starting = starting
service-state-stopping = stopping
service-state-paused = paused
service-run-console = `service run` is what the Windows Service Control Manager starts; at a console run kassa-bridge watch --config { $config }
service-event-started = kassa-bridge drop folder started: { $config }; log files in { $logs }
service-event-stopped = kassa-bridge drop folder stopped: { $config } (exit code { $code })
