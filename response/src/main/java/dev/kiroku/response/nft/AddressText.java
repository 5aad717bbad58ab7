package dev.kiroku.response.nft;

import java.util.regex.Pattern;

/** Recognises IP address literals and CIDR networks without touching DNS. */
public final class AddressText {
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private AddressText() {
    }

    public static boolean isV4(String s) {
        return V4.matcher(s).matches();
    }

    public static boolean isV6(String s) {
        if (!V6.matcher(s).matches()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public static boolean isLiteral(String s) {
        return isV4(s) || isV6(s);
    }
}
