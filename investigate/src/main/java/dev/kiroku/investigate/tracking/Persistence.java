package dev.kiroku.investigate.tracking;

import java.util.Optional;

/** Recognises file paths that make a program start again later (cron, systemd, shell profiles, ssh keys, …). */
public final class Persistence {
    private Persistence() {
    }

    /** The persistence mechanism a write to this path sets up, or empty. */
    public static Optional<String> of(String path) {
        if (path == null) return Optional.empty();
        String p = path;
        String name = p.substring(p.lastIndexOf('/') + 1);
        if (p.contains("/cron.d/") || p.contains("/crontabs/") || p.contains("/cron.hourly/") || p.contains("/cron.daily/")
                || p.contains("/cron.weekly/") || p.contains("/cron.monthly/") || p.endsWith("/crontab") || p.contains("/var/spool/cron/")
                || p.contains("/anacrontab")) {
            return Optional.of("cron");
        }
        if (p.contains("/var/spool/at/")) return Optional.of("at job");
        if (p.contains("/systemd/") && (name.endsWith(".service") || name.endsWith(".timer") || name.endsWith(".socket")
                || name.endsWith(".path"))) {
            return Optional.of("systemd unit");
        }
        if (p.endsWith("/.ssh/authorized_keys") || p.endsWith("/.ssh/authorized_keys2")) return Optional.of("ssh authorized key");
        if (name.equals(".bashrc") || name.equals(".bash_profile") || name.equals(".profile") || name.equals(".bash_login")
                || name.equals(".zshrc") || name.equals(".zprofile") || p.equals("/etc/profile") || p.startsWith("/etc/profile.d/")
                || p.equals("/etc/bash.bashrc") || p.equals("/etc/environment")) {
            return Optional.of("shell profile");
        }
        if (p.equals("/etc/rc.local") || p.startsWith("/etc/init.d/") || p.startsWith("/etc/rc")) return Optional.of("init script");
        if (p.equals("/etc/ld.so.preload")) return Optional.of("library preload");
        if (p.startsWith("/etc/sudoers")) return Optional.of("sudoers");
        if (p.equals("/etc/passwd") || p.equals("/etc/shadow") || p.equals("/etc/group")) return Optional.of("account");
        if (p.contains("/udev/rules.d/")) return Optional.of("udev rule");
        if (p.startsWith("/etc/update-motd.d/")) return Optional.of("motd script");
        if (p.contains("/.config/autostart/") || p.startsWith("/etc/xdg/autostart/")) return Optional.of("desktop autostart");
        return Optional.empty();
    }
}
