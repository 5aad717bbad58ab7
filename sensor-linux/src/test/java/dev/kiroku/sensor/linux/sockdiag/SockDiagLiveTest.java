package dev.kiroku.sensor.linux.sockdiag;

import dev.kiroku.sensor.linux.RootAssumptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SockDiagLiveTest {

    @Test
    void finds_a_listening_server_socket_and_its_owner_and_an_established_connection() throws Exception {
        RootAssumptions.assumeRootOnLinux();
        int me = (int) ProcessHandle.current().pid();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket("127.0.0.1", server.getLocalPort());
             Socket accepted = server.accept();
             SockDiag diag = SockDiag.open()) {
            int port = server.getLocalPort();
            List<InetSocket> all = diag.dumpAll();
            InetSocket listener = all.stream()
                    .filter(s -> s.protocol().equals("tcp") && s.state() == TcpState.LISTEN && s.localPort() == port)
                    .findFirst().orElseThrow(() -> new AssertionError("no listener on " + port + " in " + all.size()));
            assertThat(listener.localAddress()).isIn("127.0.0.1", "::ffff:127.0.0.1");
            assertThat(listener.uid()).isZero();
            assertThat(listener.inode()).isPositive();
            assertThat(all).anySatisfy(s -> {
                assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
                assertThat(s.remotePort()).isEqualTo(port);
                assertThat(s.localPort()).isEqualTo(client.getLocalPort());
            });
            Map<Long, List<Integer>> owners = SocketOwners.scan();
            assertThat(owners.get(listener.inode())).contains(me);
        }
    }
}
