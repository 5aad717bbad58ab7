package dev.kiroku.bench;

import java.util.List;
import java.util.Map;

/**
 * The Atomic Red Team tests {@link AtomicsBench} runs: an explicit allow-list of test GUIDs, each
 * reviewed by reading its command, cleanup and dependencies, with the reason it is safe on a shared
 * machine. Nothing outside this list is ever run, whatever the YAML files say.
 *
 * <p>Rewrites applied to every selected command (see {@link AtomicTest#prepare}): {@code /tmp} becomes
 * the scratch directory ({@code /dev/shm/kiroku-atomics-*}), {@code $HOME} becomes
 * {@code <scratch>/home}, {@code PathToAtomicsFolder} becomes {@code <scratch>/atomics} (the data set
 * carries only the YAML files, so the few source files a test needs are written there by the
 * benchmark: trivial C programs and shell scripts that print a line), and a leading {@code sudo} is
 * dropped (the benchmark runs as root and sudo is not installed). Tests marked {@code netns} run in a
 * network namespace the benchmark creates with only {@code lo} up, so their original remote host names
 * stay in the command line (what the rules see) while no packet can leave the namespace.
 * {@code loopback} tests fetch their payload from an HTTP server the benchmark runs on
 * 127.0.0.1 (serving the scratch directory's {@code www/}).
 *
 * <p>Rejected on review (not in this list), among others: anything loading kernel modules (T1014),
 * writing /etc/ld.so.preload, rc.local/rc.common, systemd units or timers, CA stores, sudoers-style or
 * PAM/firewall/audit/journald/syslog configuration (T1037.004, T1053.006, T1553.004, T1574.006 #1,
 * T1685*, T1686*), creating users or changing passwords (T1059.004 chsh, T1110.001, T1531), stopping or
 * killing services or all processes (T1489), shutdown/reboot/sysrq (T1529), swapoff/drop_caches/ASLR
 * (T1685), changing the user's real Python site-packages (T1546.018 usercustomize), tests that
 * download tools or payloads from the internet (LinEnum, linpeas, mimipenguin, LaZagne, stratus,
 * tunnels, kind/kubectl), cloud/AD/LDAP tests, and whole-filesystem scans that only burn CPU on this
 * loaded machine (T1217 find /). Tools missing here (tcpdump, ping, telnet, rsync, busybox, dig,
 * lsmod, dmidecode) make a few selected tests partly fail; they still run and are reported as run.
 */
final class AtomicSelection {

    private AtomicSelection() {
    }

    /** How a selected test is run. */
    record Spec(String guid, boolean quick, Net net, boolean runPrereqs, Map<String, String> args,
                Map<String, String> literal, String why) {
    }

    enum Net { NONE, NETNS, LOOPBACK }

    private static Spec s(String guid, boolean quick, String why) {
        return new Spec(guid, quick, Net.NONE, false, Map.of(), Map.of(), why);
    }

    private static Spec s(String guid, boolean quick, Net net, boolean prereqs, Map<String, String> args,
                          Map<String, String> literal, String why) {
        return new Spec(guid, quick, net, prereqs, args, literal, why);
    }

    /** Raw-GitHub prefix of the T1059.004 payloads, replaced by the loopback server's URL. */
    static final String ART_RAW = "https://raw.githubusercontent.com/redcanaryco/atomic-red-team/master/atomics/T1059.004/src/";

    static final List<Spec> SPECS = List.of(
            // ---- T1003.007 / T1003.008 OS credential dumping
            s("7e91138a-8e74-456d-a007-973d67a0bb80", false, Net.NONE, true, Map.of(), Map.of(),
                    "reads the heap of a 'sleep 30' shell the test itself starts (pgrep on its own marker), dd only reads "
                            + "/proc/PID/mem into the scratch dir; the prereq writes the helper script into scratch; the sleeper "
                            + "is killed with the test's session"),
            s("3723ab77-c546-403c-8fb4-bb577033b235", true,
                    "reads /etc/shadow (read-only) into a scratch file that the cleanup deletes"),
            s("60e860b6-8ae6-49db-ad07-5e73edd88f5d", false, "reads /etc/passwd into a scratch file"),
            s("df1a55ae-019d-4120-bc35-94f4bc5c4b0a", false,
                    "ed opens /etc/passwd and /etc/shadow and only prints (',p'); output goes to scratch; no write command"),
            s("f5aa6543-6cb2-4fae-b9c2-b96e14721713", false, "shell 'read' loop over /etc/passwd and /etc/shadow into scratch"),
            // ---- discovery
            s("f4b26bce-4c2c-46c0-bcc5-fce062d38bef", false, "systemctl --type=service: read-only listing"),
            s("8f2a5d2b-4018-46d4-8f3f-0fea53754690", false, "ls of /etc/init.d and /etc/rc*.d"),
            s("c141bbdb-7fca-4254-9fd6-f47e79447e17", false,
                    "arp/ifconfig/ip addr/netstat listings; the net-tools install dependency is not run"),
            s("1a4ebe70-31d0-417b-ade2-ef4cb3e7d0e1", false, "ip route show"),
            s("158bd4dd-6359-40ab-b13c-285b9ef6fa25", false, "ip neighbour show"),
            s("d2791d72-b67f-4615-814f-ec824a91f514", false, "netstat -r"),
            s("6c2da894-0b57-43cb-87af-46ea3b501388", false, "ip tcp_metrics show (read-only)"),
            s("96db2632-8417-4dbb-b8bb-a8b92ba391de", false, Net.NETNS, false, Map.of(), Map.of(),
                    "ping sweep of 192.168.1.0/24 inside the benchmark's own network namespace (only lo): nothing leaves it"),
            s("2a9b677d-a230-44f4-ad86-782df1ef108c", true, "users / w / who"),
            s("bcf05343-ef1d-4052-8a27-b00c9be42b9f", false, "ss -antp / -aunp listing"),
            s("4ff64f0b-aaf2-4866-b39d-38d9791407cc", false, "ps into a scratch file"),
            s("952931a4-af0b-4335-bbbe-73c8c5b327ae", false, "groups, id, getent group, cat /etc/group"),
            s("ffc8b249-372a-4b74-adcd-e4c0430842de", false, "ls/file/find in the scratch directory (cwd), output to scratch"),
            s("13c5e1ae-605b-46c4-a79f-db28c77ff24e", false, "find under $HOME, rewritten to the scratch home"),
            s("361fe49d-0c19-46ec-a483-ccb92d38e88e", false, "findmnt -t nfs"),
            s("dfbd1a21-540d-4574-9731-e852bd6fe840", false,
                    "systemd-detect-virt and dmidecode (read-only; dmidecode is not installed)"),
            s("23b91cd2-c99c-4002-9e41-317c63e024a2", true, "ps aux | egrep for security products"),
            s("085fe567-ac84-47c7-ac4c-2688ce28265b", true, "cat /etc/pam.d/common-password (read-only)"),
            s("7c86c55c-70fa-4a05-83c9-3aa19b145d1a", false, "cat /etc/login.defs"),
            s("837d609b-845e-4519-90ce-edc3b4b0e138", false, "locale"),
            s("cb8f7cdc-36c4-4ed0-befc-7ad7d24dfd7a", false, "env/printenv/set | grep LANG"),
            s("5d7057c9-2c8a-4026-91dd-13b5584daa69", false, "cat /etc/default/locale"),
            s("13c0fef5-9be9-4d7f-9c6b-901624e53770", false, "find over /lib/modules/<kernel>/kernel/drivers"),
            s("d57dfc9e-ed9a-418e-88f8-b59c85f8cfd1", false, "lsmod (not installed here; harmless)"),
            s("8e36da01-cd29-45fd-be72-8a0fcaad4481", false, "find /usr/bin -perm -4000"),
            s("3fb46e17-f337-4c14-9f9a-a471946533e2", false, "find /usr/bin -perm -2000"),
            // ---- obfuscation / decoding / execution
            s("f45df6be-2e1e-4136-a384-8f18ab3826fb", true, Net.NONE, true, Map.of(), Map.of(),
                    "prereq base64-encodes 'echo Hello ... && uname -v' into scratch; the test decodes, chmods and runs it there"),
            s("d0377aa6-850a-42b2-95f0-de558d80be57", false,
                    "compiles a hello-world C file the benchmark writes (gcc in scratch) and runs a.out in scratch"),
            s("3a15c372-67c1-4430-ac8e-ec06d641ce4d", true, "base64 -d | bash of scripts that only echo a URL string (decoded and checked)"),
            s("b4f6a567-a27a-41e5-b8ef-ac4b4008bb7e", false, "base64 round trips of a message, files in scratch"),
            s("005943f9-8dd5-4349-8b46-0313c0a9f973", false, "xxd round trips of a message, files in scratch"),
            s("356dc0e8-684f-4428-bb94-9313998ad608", false, "python3 base64 decoding of a message, file in scratch"),
            s("6604d964-b9f6-4d4b-8ce8-499829a14d0a", false, "perl MIME::Base64 decoding of a message, file in scratch"),
            s("c3b65cd5-ee51-4e98-b6a3-6cbdec138efc", false, "python XOR-decodes 'whoami' (checked) and runs it"),
            s("7e7ac3ed-f795-4fa5-b711-09d6fbe9b873", false, Net.NETNS, false, Map.of(), Map.of(),
                    "writes and runs a script in scratch that echoes and pings 8.8.8.8, inside the benchmark's netns (no route out; "
                            + "ping is not installed)"),
            s("d0c88567-803d-4dca-99b4-7ce65e7b257c", false, Net.LOOPBACK, false, Map.of(), Map.of(ART_RAW, "@LOOPBACK@/"),
                    "curl|bash and wget|bash of a script served by the benchmark on 127.0.0.1 that writes one line into scratch"),
            s("8cd1947b-4a54-41fb-b5ea-07d0ace04f81", false, "mktemp (TMPDIR = scratch) containing 'id', run with bash"),
            s("7b38e5cc-47be-44f0-a425-390305c76c17", false, "echo $0, env | grep SHELL"),
            s("bf23c7dc-1004-4949-8262-4c1d1ef87702", false, "cat /etc/shells"),
            s("b04ed73c-7d43-4dc8-b563-a2fc595cba1a", false, "loop of echo + sleep 1 (5 s)"),
            s("5bec4cc8-f41e-437b-b417-33ff60acf9af", true, "echo base64('id') | base64 -d | /bin/bash"),
            s("bdaebd56-368b-4970-a523-f905ff4a8a51", false, "echo of an echo command piped to /bin/sh"),
            s("fca246a8-a585-4f28-a2df-6495973976a1", true, Net.LOOPBACK, false,
                    Map.of("remote_url", "@LOOPBACK@/pipe-to-shell.sh"), Map.of(),
                    "curl -s <url> | bash where the URL is the benchmark's 127.0.0.1 server and the script writes scratch/art.txt"),
            s("3a53734a-9e26-4f4b-ad15-059e767f5f14", false, "uname -srm"),
            s("ee72b37d-b8f5-46a5-a9e7-0ff50035ffd5", false,
                    "awk system(\"/bin/sh &\"): the background shell reads EOF from /dev/null and exits; killed with the session"),
            s("161d694c-b543-4434-85c3-c3a433e33792", false,
                    "python pty.spawn of sh and bash with stdin /dev/null; bounded by the timeout and killed with the session"),
            // ---- defense evasion / masquerading
            s("a315bfff-7a98-403b-b442-2ea1b255e556", false, "copies /bin/sh to scratch/crond and runs 'sleep 5' with it"),
            s("812c3ab8-94b0-4698-a9bf-9420af23ce24", false, "copies sh into '<scratch home>/...' and runs an echo with it"),
            s("26cde240-0112-4806-8c97-bdde43dab298", true, "writes and runs scratch/report.pdf.sh that echoes a line"),
            s("1214f818-673b-4494-9fbd-99af0e185866", false, "writes scratch/image.png (a shell script that echoes) and runs sh on it"),
            s("bc219ff7-789f-4d51-9142-ecae3397deae", true, Net.NONE, true, Map.of(), Map.of(),
                    "prereq compiles an empty shared library (written by the benchmark) into scratch; LD_PRELOAD=it ls"),
            s("a58c066d-f2f0-42a2-ab70-30af73f89e66", false,
                    "creates a venv inside scratch and a .pth hook in that venv only (cat /etc/passwd into scratch)"),
            s("a74b2e07-5952-4c03-8b56-56274b076b61", false, "bash trap EXIT running a scratch script that writes one line into scratch"),
            s("a547d1ba-1d7a-4cc5-a9cb-8d65e8809636", false, "bash trap SIGINT (the shell signals itself) running the same scratch script"),
            s("14bd90b1-c3f3-4115-9861-cf0519a59654", false, "trap DEBUG logging whoami/id/hostname into scratch"),
            // ---- permissions (T1222.002) on a scratch copy of the AtomicRedTeam folder
            s("34ca1464-de9d-40c6-8c77-690adf36a135", false, "chmod 755 of a scratch directory"),
            s("fc9d6695-d022-4a80-91b1-381f5c35aff3", false, "chmod a+w of a scratch directory"),
            s("ea79f937-4a4d-4348-ace6-9916aec453a4", false, "chmod -R 755 of a scratch directory"),
            s("0451125c-b5f6-488f-993b-5a32b09f7d8f", false, "chmod -R a+w of a scratch directory"),
            s("d169e71b-85f9-44ec-8343-27093ff3dfc0", false, "chown root:root of a scratch file"),
            s("b78598be-ff39-448f-a463-adbf2a5b7848", false, "chown -R root:root of a scratch directory"),
            s("967ba79d-f184-4e0e-8d09-6362b3162e99", false, "chown root of a scratch file"),
            s("3b015515-b3d8-44e9-b8cd-6fa84faf30b2", false, "chown -R root of a scratch directory"),
            s("e7469fe2-ad41-4382-8965-99b94dd3c13f", true, Net.NONE, false,
                    Map.of("file_to_modify", "@SCRATCH@/var/spool/cron/root"), Map.of(),
                    "chattr -i of a scratch file standing in for /var/spool/cron/root (root's real crontab is never touched)"),
            // ---- privilege escalation: setuid / setgid / capabilities on scratch files only
            s("896dfe97-ae43-4101-8e96-9a7996555d80", false,
                    "make of a hello-world C file in scratch, chown root, chmod u+s, run; removed by the cleanup"),
            s("759055b3-3885-4582-a8ec-c00c9d64dd79", true, "touch/chown/chmod u+xs of an empty scratch file"),
            s("db55f666-7cba-46c6-9fe6-205a05c3242c", false, "touch/chown/chmod g+xs of an empty scratch file"),
            s("db53959c-207d-4000-9e7a-cd8eb417e072", false,
                    "make of a C file (prints its uid, written by the benchmark) in scratch, setcap cap_setuid=ep on it, run it"),
            s("1ac3272f-9bcf-443a-9888-4b1d3de785c1", true, "setcap cap_setuid=ep on an empty scratch file"),
            // ---- credential access: files in scratch or read-only searches
            s("37807632-d3da-442e-8c2e-00f44928ff8f", false, "find //.aws (read-only)"),
            s("bd4cf0d1-7646-474e-8610-78ccf5a097c4", true, Net.NONE, false, Map.of("file_path", "/etc"), Map.of(),
                    "grep -ri password over /etc (the default '/' would scan the whole shared machine for minutes); read-only"),
            s("da4f751a-020b-40d7-b9ff-d433b7799803", false, "find /home -name .netrc and cat what it finds (read-only)"),
            s("a8f6148d-478a-4f43-bc62-5efee9f931a4", false, "find //.azure (read-only)"),
            s("aa12eb29-2dbb-414e-8b20-33d34af93543", false, "find //.config/gcloud (read-only)"),
            s("9d9c22c9-fa97-4008-a204-478cf68c40af", false, "find //.oci/sessions (read-only)"),
            s("46959285-906d-40fa-9437-5a439accd878", false, Net.NONE, false, Map.of("search_path", "@SCRATCH@/home"), Map.of(),
                    "find -name id_rsa over the scratch home, which holds a fake key the benchmark planted"),
            s("7c247dc7-5128-4643-907b-73a76d9135c3", true, Net.NONE, false, Map.of("search_path", "@SCRATCH@/home"), Map.of(),
                    "find -name id_rsa -exec cp --parents into scratch/art-staging, over the scratch home's fake key only"),
            // ---- collection / exfiltration
            s("cde3c2af-3485-49eb-9c1f-0ed60e9cc0af", false, "gzip -k of a text file in the scratch home"),
            s("7af2b51e-ad1c-498c-aca8-d3290c19535a", false, Net.NONE, true, Map.of(), Map.of(),
                    "tar -czf of the scratch home into the scratch home (prereq: mkdir/touch there)"),
            s("0286eb44-e7ce-41a0-b109-3da516e05a5f", false, "zip --password and gpg -c of empty files in scratch"),
            s("a743e3a6-e8b2-4a30-abe7-ca85d201b5d3", false, Net.NONE, true, Map.of(), Map.of(),
                    "zip + openssl enc + base64 of empty files in scratch (prereq creates them there)"),
            s("3ea1f938-f80a-4305-9aa8-431bc4867313", true, Net.NETNS, false, Map.of(), Map.of(),
                    "python3 -m http.server 9090 for 10 s serving scratch, inside the benchmark's own netns (not reachable)"),
            s("f6786cc8-beda-4915-a4d6-ac2f193bb988", false, Net.NETNS, false, Map.of(), Map.of(),
                    "ssh target.example.com ... inside the benchmark's netns: name resolution fails, nothing is sent"),
            s("7ccdfcfa-6707-46bc-b812-007ab6ff951c", false, Net.NETNS, false, Map.of(), Map.of(),
                    "wget --post-file of a scratch file to example.com inside the benchmark's netns: no route"),
            s("8bec51da-7a6d-4346-b941-51eca448c4b0", false, Net.NETNS, false, Map.of(), Map.of(),
                    "wget --post-data to example.com inside the benchmark's netns: no route"),
            s("40c44d16-bb49-4d14-aafa-f9ba7e6e6c5b", false, Net.NETNS, false, Map.of(), Map.of(),
                    "curl -F file=@scratch file to a Discord webhook URL inside the benchmark's netns: no route"),
            s("c666acd6-6ff5-4d28-9490-195d89cd4337", false, Net.NETNS, false, Map.of(), Map.of(),
                    "curl POST to a Slack webhook URL inside the benchmark's netns: no route"),
            // ---- command and control
            s("2d7c471a-e887-4b78-b0dc-b0df1f2e0658", false, Net.NETNS, false, Map.of(), Map.of(),
                    "curl with odd user agents to www.google.com inside the benchmark's netns: no route"),
            s("0ac21132-4485-4212-a681-349e8a6637cd", false, Net.NETNS, false, Map.of(), Map.of(),
                    "curl through http_proxy=127.0.0.1:3128 (no squid is started) inside the benchmark's netns"),
            s("1164f70f-9a88-4dff-b9ff-dc70e7bf0c25", false, Net.NETNS, false, Map.of(), Map.of(),
                    "base64 of a fake SSN and curl -XPOST to <b64>.redcanary.com inside the benchmark's netns: no route")
    );
}
