package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Suspicious constructs in scripts (and other text), each reported once with the first line showing it. */
public final class ScriptCheck implements StaticCheck {
    private record Construct(String code, int weight, String summary, Pattern pattern) {
    }

    private static final List<Construct> CONSTRUCTS = List.of(
            new Construct("static.script.reverse_shell", 40, "reverse shell construct",
                    Pattern.compile("/dev/(tcp|udp)/|\\bnc(at)?\\b.*\\s-[a-z]*e\\s|socket\\.socket\\(.*\\)[\\s\\S]{0,400}?(dup2|subprocess|pty\\.spawn)|\\bbash -i\\b")),
            new Construct("static.script.persistence", 30, "writes persistence (cron, systemd, shell profile, authorized_keys)",
                    Pattern.compile("/etc/cron|crontab\\b|/var/spool/cron|systemctl\\s+(--user\\s+)?enable|/etc/systemd/system|\\.config/systemd|/etc/rc\\.local|\\.bashrc|\\.profile\\b|authorized_keys")),
            new Construct("static.script.download_exec", 30, "downloads and runs code",
                    Pattern.compile("(curl|wget)[^|\\n]*\\|\\s*(ba)?sh|urllib\\.request|requests\\.get")),
            new Construct("static.script.drop_exec", 20, "writes a file, makes it executable and runs it",
                    Pattern.compile("chmod\\s+(\\+x|[0-7]*7[0-7]{2})|os\\.chmod\\(.*0o?7")),
            new Construct("static.script.obfuscation", 15, "decodes hidden content (base64, eval)",
                    Pattern.compile("base64\\s+(-d|--decode)|b64decode|\\beval\\s*\\(|exec\\s*\\(\\s*compile")),
            new Construct("static.script.miner", 40, "crypto-miner signs (stratum, miner names, pools)",
                    Pattern.compile("(?i)stratum\\+tcp|xmrig|minerd|cryptonight|nicehash|monero")),
            new Construct("static.script.evasion", 15, "evasion: long sleeps, history or log wiping",
                    Pattern.compile("\\bsleep\\s+\\d{3,}|time\\.sleep\\(\\s*\\d{3,}|history\\s+-c|unset\\s+HISTFILE|/var/log/\\S*\\s*$")),
            new Construct("static.script.credentials", 25, "reads credential stores",
                    Pattern.compile("/etc/shadow|\\.ssh/id_|\\.aws/credentials")),
            new Construct("static.script.destruction", 30, "destructive commands",
                    Pattern.compile("rm\\s+-rf\\s+/(\\s|$)|mkfs\\.|dd\\s+if=/dev/(zero|urandom)\\s+of=/dev/")));

    @Override
    public List<Reason> check(StaticSubject s) {
        if (!s.type().script() && s.type() != FileType.TEXT) return List.of();
        String text = new String(s.bytes(), 0, Math.min(s.bytes().length, 1 << 20), StandardCharsets.UTF_8);
        List<Reason> reasons = new ArrayList<>();
        for (Construct c : CONSTRUCTS) {
            var m = c.pattern().matcher(text);
            if (!m.find()) continue;
            int line = 1;
            for (int i = 0; i < m.start(); i++) if (text.charAt(i) == '\n') line++;
            int lineStart = text.lastIndexOf('\n', m.start()) + 1;
            int lineEnd = text.indexOf('\n', m.start());
            String shown = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd).strip();
            if (shown.length() > 160) shown = shown.substring(0, 160) + "…";
            reasons.add(new Reason(c.code(), c.weight(), c.summary(), s.name() + " line " + line + ": " + shown));
        }
        return reasons;
    }
}
