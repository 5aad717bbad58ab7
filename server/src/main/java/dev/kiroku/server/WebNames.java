package dev.kiroku.server;

import dev.kiroku.fleet.pki.CertificateAuthority;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names the API's HTTPS certificate is issued for: loopback, the machine's host name, the address the server
 * listens on, and every local interface address when it listens on all of them.
 */
final class WebNames {
    private WebNames() {
    }

    static Set<String> of(String listenHost) {
        Set<String> names = new TreeSet<>(Set.of("localhost", "127.0.0.1", "::1", CertificateAuthority.SERVER_NAME));
        String host = listenHost.startsWith("[") ? listenHost.substring(1, listenHost.length() - 1) : listenHost;
        String machine = machineName();
        if (machine.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) names.add(machine);
        if (host.equals("0.0.0.0") || host.equals("::")) {
            names.addAll(interfaceAddresses());
        } else if (!host.isBlank()) {
            names.add(host);
        }
        return names;
    }

    private static String machineName() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static Set<String> interfaceAddresses() {
        Set<String> addresses = new TreeSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) addresses.add(address.getHostAddress().replaceFirst("%.*", ""));
                }
            }
        } catch (SocketException e) {
            System.err.println("kiroku server: cannot list the network interfaces for the HTTPS certificate: " + e.getMessage());
        }
        return addresses;
    }
}
