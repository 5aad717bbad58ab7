package dev.kiroku.sandbox.statics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an ELF file's header, sections, program interpreter and the undefined (imported) dynamic
 * symbols. Bounded: at most {@link #MAX_SECTIONS} sections and {@link #MAX_SYMBOLS} symbols; every
 * offset is checked against the file, so a malformed file yields a problem line, never an exception.
 */
public final class ElfParser {
    static final int MAX_SECTIONS = 512;
    static final int MAX_SYMBOLS = 50_000;
    private static final int SHT_DYNSYM = 11;
    private static final int PT_INTERP = 3;
    private static final long SHF_WRITE = 1;
    private static final long SHF_EXECINSTR = 4;

    private ElfParser() {
    }

    public static ExecutableInfo parse(byte[] b) {
        List<String> problems = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        Set<String> imports = new LinkedHashSet<>();
        String format = "elf";
        String machine = "?";
        String kind = "?";
        long entry = 0;
        String interpreter = null;
        try {
            int elfClass = Bytes.u8(b, 4);
            boolean wide = elfClass == 2;
            if (elfClass != 1 && elfClass != 2) throw new Bytes.Malformed("bad EI_CLASS " + elfClass + " at offset 4");
            int data = Bytes.u8(b, 5);
            if (data != 1 && data != 2) throw new Bytes.Malformed("bad EI_DATA " + data + " at offset 5");
            boolean le = data == 1;
            format = wide ? "elf64" : "elf32";
            kind = switch (Bytes.u16(b, 16, le)) {
                case 1 -> "relocatable";
                case 2 -> "executable";
                case 3 -> "shared object";
                case 4 -> "core";
                default -> "unknown type";
            };
            int m = Bytes.u16(b, 18, le);
            machine = switch (m) {
                case 3 -> "i386";
                case 40 -> "arm";
                case 62 -> "x86_64";
                case 183 -> "aarch64";
                case 243 -> "riscv";
                default -> String.format("0x%x", m);
            };
            entry = wide ? Bytes.u64(b, 24, le) : Bytes.u32(b, 24, le);
            long phoff = wide ? Bytes.u64(b, 32, le) : Bytes.u32(b, 28, le);
            long shoff = wide ? Bytes.u64(b, 40, le) : Bytes.u32(b, 32, le);
            int phentsize = Bytes.u16(b, wide ? 54 : 42, le);
            int phnum = Bytes.u16(b, wide ? 56 : 44, le);
            int shentsize = Bytes.u16(b, wide ? 58 : 46, le);
            int shnum = Bytes.u16(b, wide ? 60 : 48, le);
            int shstrndx = Bytes.u16(b, wide ? 62 : 50, le);
            interpreter = interpreter(b, le, wide, phoff, phentsize, Math.min(phnum, MAX_SECTIONS), problems);
            if (shnum > MAX_SECTIONS) problems.add("section header count " + shnum + " above " + MAX_SECTIONS + "; reading the first " + MAX_SECTIONS);
            if (shoff != 0 && shnum > 0) {
                if (shentsize < (wide ? 64 : 40)) throw new Bytes.Malformed("section header size " + shentsize + " too small");
                int count = Math.min(shnum, MAX_SECTIONS);
                Bytes.check(b, shoff, (long) count * shentsize);
                long[][] headers = new long[count][];
                for (int i = 0; i < count; i++) headers[i] = sectionHeader(b, shoff + (long) i * shentsize, le, wide);
                long[] strtab = shstrndx < count ? headers[shstrndx] : null;
                for (int i = 0; i < count; i++) {
                    long[] h = headers[i];
                    String name = strtab == null ? "" : Bytes.cString(b, strtab[4] + h[0], 64);
                    boolean inFile = h[1] != 8 /* NOBITS */ && h[4] >= 0 && h[5] >= 0 && h[4] + h[5] <= b.length;
                    if (!inFile && h[1] != 8 && h[5] > 0) problems.add("section " + i + " (" + name + ") lies outside the file: offset " + h[4] + " size " + h[5]);
                    double entropy = inFile ? Entropy.of(b, (int) h[4], (int) h[5]) : 0;
                    sections.add(new Section(name, h[4], inFile ? h[5] : 0, (h[2] & SHF_EXECINSTR) != 0, (h[2] & SHF_WRITE) != 0, entropy));
                    if (h[1] == SHT_DYNSYM && inFile) dynamicImports(b, le, wide, h, headers, imports, problems);
                }
            }
        } catch (Bytes.Malformed e) {
            problems.add("malformed ELF: " + e.getMessage());
        }
        return new ExecutableInfo(format, machine, kind, entry, sections, new ArrayList<>(imports), interpreter, problems);
    }

    /** name, type, flags, addr, offset, size, link, entsize */
    private static long[] sectionHeader(byte[] b, long at, boolean le, boolean wide) {
        if (wide) {
            return new long[]{Bytes.u32(b, at, le), Bytes.u32(b, at + 4, le), Bytes.u64(b, at + 8, le), Bytes.u64(b, at + 16, le),
                    Bytes.u64(b, at + 24, le), Bytes.u64(b, at + 32, le), Bytes.u32(b, at + 40, le), Bytes.u64(b, at + 56, le)};
        }
        return new long[]{Bytes.u32(b, at, le), Bytes.u32(b, at + 4, le), Bytes.u32(b, at + 8, le), Bytes.u32(b, at + 12, le),
                Bytes.u32(b, at + 16, le), Bytes.u32(b, at + 20, le), Bytes.u32(b, at + 24, le), Bytes.u32(b, at + 36, le)};
    }

    private static String interpreter(byte[] b, boolean le, boolean wide, long phoff, int phentsize, int phnum, List<String> problems) {
        if (phoff == 0 || phnum == 0) return null;
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (Bytes.u32(b, at, le) != PT_INTERP) continue;
            long offset = wide ? Bytes.u64(b, at + 8, le) : Bytes.u32(b, at + 4, le);
            if (offset < 0 || offset >= b.length) {
                problems.add("PT_INTERP points outside the file (offset " + offset + ")");
                return null;
            }
            return Bytes.cString(b, offset, 256);
        }
        return null;
    }

    private static void dynamicImports(byte[] b, boolean le, boolean wide, long[] symtab, long[][] headers,
                                       Set<String> imports, List<String> problems) {
        int link = (int) symtab[6];
        if (link >= headers.length) {
            problems.add("dynsym links to missing string table " + link);
            return;
        }
        long[] strtab = headers[link];
        int entsize = wide ? 24 : 16;
        long count = Math.min(symtab[5] / entsize, MAX_SYMBOLS);
        for (long i = 1; i < count; i++) {
            long at = symtab[4] + i * entsize;
            long name = Bytes.u32(b, at, le);
            int shndx = Bytes.u16(b, at + (wide ? 6 : 14), le);
            if (shndx != 0 || name == 0 || name >= strtab[5]) continue;
            String symbol = Bytes.cString(b, strtab[4] + name, 128);
            int version = symbol.indexOf('@');
            if (!symbol.isEmpty()) imports.add(version > 0 ? symbol.substring(0, version) : symbol);
        }
    }
}
