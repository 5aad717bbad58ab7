package dev.kiroku.investigate.workflow;

import java.net.InetAddress;
import java.util.regex.Pattern;

/** What an investigation starts from. Constructors validate and say what is wrong. */
public sealed interface Clue {
    /** "ip", "domain", "hash", "file" or "alert". */
    String kind();

    /** The clue as written. */
    String value();

    Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z][a-zA-Z0-9-]{0,62}");

    /** A network address, optionally with a port (0 for any). */
    record Address(String ip, int port) implements Clue {
        public Address {
            if (ip == null || !(ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") || ip.contains(":"))) {
                throw new IllegalArgumentException("'" + ip + "' is not an IP address (IPv4 like 203.0.113.5 or IPv6)");
            }
            try {
                ip = InetAddress.ofLiteral(ip).getHostAddress();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + ip + "' is not an IP address: " + e.getMessage());
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535 but is " + port);
        }

        public String kind() {
            return "ip";
        }

        public String value() {
            return port > 0 ? ip + ":" + port : ip;
        }
    }

    record Domain(String name) implements Clue {
        public Domain {
            if (name == null || !DOMAIN.matcher(name).matches()) throw new IllegalArgumentException("'" + name + "' is not a domain name");
            name = name.toLowerCase(java.util.Locale.ROOT);
        }

        public String kind() {
            return "domain";
        }

        public String value() {
            return name;
        }
    }

    record Hash(String sha256) implements Clue {
        public Hash {
            if (sha256 == null || !SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 (64 hexadecimal digits)");
            }
            sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
        }

        public String kind() {
            return "hash";
        }

        public String value() {
            return sha256;
        }
    }

    /** A file name ("payload.sh") or an absolute path ("/tmp/payload.sh"). */
    record File(String nameOrPath) implements Clue {
        public File {
            if (nameOrPath == null || nameOrPath.isBlank()) throw new IllegalArgumentException("a file name or path is required");
            if (nameOrPath.contains("/") && !nameOrPath.startsWith("/")) {
                throw new IllegalArgumentException("'" + nameOrPath + "' is neither a file name nor an absolute path");
            }
            if (nameOrPath.endsWith("/")) throw new IllegalArgumentException("'" + nameOrPath + "' names a directory, not a file");
        }

        public boolean isPath() {
            return nameOrPath.startsWith("/");
        }

        public String name() {
            return nameOrPath.substring(nameOrPath.lastIndexOf('/') + 1);
        }

        public String kind() {
            return "file";
        }

        public String value() {
            return nameOrPath;
        }
    }

    record Alert(AlertRef alert) implements Clue {
        public Alert {
            if (alert == null) throw new IllegalArgumentException("an alert is required");
            if (alert.processEntityId() == null || alert.processEntityId().isBlank()) {
                throw new IllegalArgumentException("alert " + alert.id() + " (" + alert.ruleId() + ") names no process entity id");
            }
        }

        public String kind() {
            return "alert";
        }

        public String value() {
            return alert.id().isEmpty() ? alert.ruleId() : alert.id();
        }
    }
}
