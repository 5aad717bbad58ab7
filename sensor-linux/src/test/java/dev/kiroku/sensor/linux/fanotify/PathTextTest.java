package dev.kiroku.sensor.linux.fanotify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PathTextTest {

    @Test
    void utf8IsDecodedExactly() {
        PathText t = PathText.decode("/tmp/日本/é.txt".getBytes(StandardCharsets.UTF_8));
        assertThat(t).isEqualTo(new PathText("/tmp/日本/é.txt", true));
    }

    @Test
    void invalidBytesAreEscapedAndFlagged() {
        byte[] bytes = {'/', 'a', (byte) 0xff, 'b', (byte) 0xc3}; // 0xc3 starts a truncated sequence
        assertThat(PathText.decode(bytes)).isEqualTo(new PathText("/a\\xffb\\xc3", false));
    }

    @Test
    void mixedValidAndInvalidKeepsTheValidPart() {
        byte[] bytes = {(byte) 0xe6, (byte) 0x97, (byte) 0xa5, (byte) 0x80, 'z'};
        assertThat(PathText.decode(bytes)).isEqualTo(new PathText("日\\x80z", false));
    }
}
