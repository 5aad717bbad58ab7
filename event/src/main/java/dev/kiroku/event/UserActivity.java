package dev.kiroku.event;

/**
 * A logon, logoff, authentication or privilege change the kernel reported (audit USER_* and
 * credential-change records).
 *
 * @param action     what happened
 * @param userName   the account concerned (acct=), may be null
 * @param uid        its uid, -1 when unknown
 * @param success    outcome
 * @param sourceIp   remote address for network logons, else null
 * @param terminal   terminal or service ("ssh", "/dev/pts/0", "cron")
 * @param recordType the audit record type it came from ("USER_LOGIN", "USER_START", ...)
 * @param message    the record's own operation text (op=)
 * @param process    the process that reported or made the change
 */
public record UserActivity(Action action, String userName, int uid, boolean success, String sourceIp,
                           String terminal, String recordType, String message,
                           ProcessInfo process) implements Payload {

    public enum Action {
        LOGON, LOGOFF, AUTHENTICATION, PRIVILEGE_CHANGE, ACCOUNT_CHANGE
    }
}
