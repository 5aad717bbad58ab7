/*
 * Kiroku's own YARA rules for the sandbox's static analysis (written for Kiroku).
 * meta "weight" is the number of points a match adds to the score (see docs/sandbox.md);
 * "description" is the report line.
 */

rule kiroku_reverse_shell_dev_tcp
{
    meta:
        description = "interactive shell wired to a /dev/tcp socket (reverse shell)"
        weight = 30
        attack = "T1059.004"
    strings:
        $dev = /\/dev\/(tcp|udp)\/[A-Za-z0-9.\-]{1,253}\/[0-9]{1,5}/
        $shell = /\b(ba|z|k|da)?sh -i\b/
        $redirect = /(>&|0<&|<&)\s*\/dev\/(tcp|udp)\//
    condition:
        filesize < 4MB and $dev and ($shell or $redirect)
}

rule kiroku_reverse_shell_tools
{
    meta:
        description = "network tool or interpreter handing a shell to a socket (reverse or bind shell)"
        weight = 30
        attack = "T1059"
    strings:
        $nc = /\bn(c|cat|etcat) [^\n|;]{0,80}-(e|c) ?\/bin\/(ba)?sh/
        $socat = /socat [^\n]{0,120}exec:[^\n]{0,40}(\/bin\/)?(ba)?sh/ nocase
        $py_dup = "os.dup2(" ascii
        $py_socket = "socket.socket(" ascii
        $py_spawn = /pty\.spawn\(|subprocess\.(call|Popen)\(\[?["']\/bin\/(ba)?sh/
        $mkfifo = /mkfifo [^\n]{1,60};[^\n]{0,80}\bnc\b/
    condition:
        filesize < 4MB and ($nc or $socat or $mkfifo or ($py_dup and $py_socket and $py_spawn))
}

rule kiroku_crypto_miner
{
    meta:
        description = "crypto-miner pool protocol or miner configuration"
        weight = 30
        attack = "T1496"
    strings:
        $stratum = /stratum\+(tcp|ssl|tls):\/\//
        $login = "\"method\":\"login\"" ascii
        $donate = "--donate-level" ascii
        $xmrig = "xmrig" nocase
        $algo = /"algo"\s*:\s*"(rx|cn|randomx|cryptonight)/
    condition:
        $stratum or ($xmrig and ($donate or $algo or $login))
}

rule kiroku_download_and_run
{
    meta:
        description = "downloads a payload and pipes it straight into a shell"
        weight = 25
        attack = "T1105"
    strings:
        $pipe = /\b(curl|wget)\b[^\n|;]{1,200}\|\s*(sudo\s+)?(ba|da|z)?sh\b/
        $exec = /\b(ba)?sh -c\s*["']?\$\((curl|wget)\b/
    condition:
        filesize < 4MB and ($pipe or $exec)
}

rule kiroku_preload_hijack
{
    meta:
        description = "writes the dynamic loader's preload list (every program would load the attacker's library)"
        weight = 30
        attack = "T1574.006"
    strings:
        $preload = "/etc/ld.so.preload" ascii
        $write = /(>>?|tee( -a)?)\s*\/etc\/ld\.so\.preload/
    condition:
        $preload and $write
}

rule kiroku_ssh_key_implant
{
    meta:
        description = "appends a public key to an authorized_keys file (persistent SSH access)"
        weight = 25
        attack = "T1098.004"
    strings:
        $key = /ssh-(rsa|ed25519|dss) AAAA[0-9A-Za-z+\/]{20}/
        $append = /(>>|tee -a)\s*[^\n]{0,80}authorized_keys/
    condition:
        $key and $append
}

rule kiroku_audit_tampering
{
    meta:
        description = "switches off logging or security tooling (audit rules, SELinux, shell history)"
        weight = 20
        attack = "T1562"
    strings:
        $auditctl = /auditctl\s+-(D|e\s*0)\b/
        $stop_audit = /(systemctl|service)\s+(stop|disable)\s+auditd/
        $selinux = "setenforce 0" ascii
        $histfile = /unset HISTFILE|HISTFILE=\/dev\/null|history -c\b/
        $journal = /rm -rf? \/var\/log\/(wtmp|btmp|lastlog|auth\.log|secure)/
    condition:
        2 of them or $auditctl or $stop_audit
}

rule kiroku_upx_packed_elf
{
    meta:
        description = "ELF packed with UPX (the real code is unpacked at run time)"
        weight = 15
        attack = "T1027.002"
    strings:
        $upx = "UPX!" ascii
    condition:
        uint32(0) == 0x464c457f and $upx in (0..4096)
}

rule kiroku_fileless_exec_elf
{
    meta:
        description = "ELF that imports memfd_create and an exec call (runs code without a file on disk)"
        weight = 15
        attack = "T1620"
    strings:
        $memfd = "memfd_create" ascii
        $fexec = /\x00(fexecve|execveat)\x00/
    condition:
        uint32(0) == 0x464c457f and $memfd and $fexec
}
