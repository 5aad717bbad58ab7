package dev.kiroku.sandbox.statics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Small executables built byte by byte for the parser tests. */
final class Executables {
    private Executables() {
    }

    /**
     * An ELF64 x86_64 executable with a section table: a null section, ".text" holding {@code code},
     * ".shstrtab", and optionally a "UPX!" marker in the header padding area.
     */
    static byte[] elf(byte[] code, String textName, boolean upxMarker) {
        byte[] names = ("\0" + textName + "\0.shstrtab\0").getBytes(StandardCharsets.US_ASCII);
        int codeOff = 0x100;
        int namesOff = codeOff + code.length;
        int shoff = (namesOff + names.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(shoff + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{0x7F, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(24, 0x401000)
                .putLong(32, 0).putLong(40, shoff).putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 0)
                .putShort(58, (short) 64).putShort(60, (short) 3).putShort(62, (short) 2);
        if (upxMarker) b.put(0x80, "UPX!".getBytes(StandardCharsets.US_ASCII), 0, 4);
        b.put(codeOff, code);
        b.put(namesOff, names);
        // section 1: .text, PROGBITS, ALLOC|EXECINSTR
        section(b, shoff + 64, 1, 1, 6, codeOff, code.length);
        // section 2: .shstrtab, STRTAB
        section(b, shoff + 128, 1 + textName.length() + 1, 3, 0, namesOff, names.length);
        return b.array();
    }

    private static void section(ByteBuffer b, int at, int name, int type, long flags, long offset, long size) {
        b.putInt(at, name).putInt(at + 4, type).putLong(at + 8, flags).putLong(at + 24, offset).putLong(at + 32, size);
    }

    /**
     * A PE32+ (x86_64) executable with one section ".idata" (readable, executable) holding an import
     * directory for {@code dll} with the given functions.
     */
    static byte[] pe(String dll, String... functions) {
        int peOff = 0x80;
        int optionalSize = 240;
        int sectionTable = peOff + 24 + optionalSize;
        int raw = 0x400;
        int rva = 0x1000;
        ByteBuffer s = ByteBuffer.allocate(0x400).order(ByteOrder.LITTLE_ENDIAN); // section content
        int descriptors = 0;            // 2 descriptors (one + terminator) = 40 bytes
        int lookup = 64;                // thunks
        int names = lookup + 8 * (functions.length + 1);
        int at = names;
        for (int i = 0; i < functions.length; i++) {
            s.putLong(lookup + 8 * i, rva + at);
            s.putShort(at, (short) i);
            byte[] n = functions[i].getBytes(StandardCharsets.US_ASCII);
            s.put(at + 2, n);
            at += 2 + n.length + 1;
            if (at % 2 == 1) at++;
        }
        int dllName = at;
        s.put(dllName, dll.getBytes(StandardCharsets.US_ASCII));
        s.putInt(descriptors, rva + lookup).putInt(descriptors + 12, rva + dllName).putInt(descriptors + 16, rva + lookup);

        ByteBuffer b = ByteBuffer.allocate(raw + 0x400).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, new byte[]{'M', 'Z'}).putInt(0x3C, peOff);
        b.put(peOff, new byte[]{'P', 'E', 0, 0});
        int coff = peOff + 4;
        b.putShort(coff, (short) 0x8664).putShort(coff + 2, (short) 1).putShort(coff + 16, (short) optionalSize).putShort(coff + 18, (short) 0x22);
        int opt = coff + 20;
        b.putShort(opt, (short) 0x20b).putInt(opt + 16, rva).putInt(opt + 108, 16);
        b.putInt(opt + 112 + 8, rva).putInt(opt + 112 + 12, 40); // import directory
        b.put(sectionTable, ".idata\0\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(sectionTable + 8, 0x400).putInt(sectionTable + 12, rva).putInt(sectionTable + 16, 0x400).putInt(sectionTable + 20, raw)
                .putInt(sectionTable + 36, 0x60000020);
        b.put(raw, s.array());
        return b.array();
    }

    static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
