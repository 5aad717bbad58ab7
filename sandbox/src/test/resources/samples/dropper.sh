#!/bin/sh
# Test sample: writes a second stage to a hidden temp directory and runs it.
mkdir -p /tmp/.cache-x
cat > /tmp/.cache-x/stage2.sh <<'STAGE'
#!/bin/sh
id
uname -a
cat /etc/passwd | wc -l
STAGE
chmod +x /tmp/.cache-x/stage2.sh
/tmp/.cache-x/stage2.sh
