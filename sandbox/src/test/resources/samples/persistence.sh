#!/bin/sh
# Test sample: installs itself to start again via cron and a systemd unit. In the sandbox these
# files land in the scratch layer only.
mkdir -p /opt/.updater
cp "$0" /opt/.updater/update.sh
chmod +x /opt/.updater/update.sh
echo "*/5 * * * * root /opt/.updater/update.sh" > /etc/cron.d/updater
cat > /etc/systemd/system/updater.service <<UNIT
[Unit]
Description=Updater

[Service]
ExecStart=/opt/.updater/update.sh

[Install]
WantedBy=multi-user.target
UNIT
echo done
