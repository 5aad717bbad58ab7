package dev.kiroku.sandbox.statics;

import dev.kiroku.sandbox.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Packer signs (UPX markers, high-entropy code, no section table), imports of interest and malformed headers. */
public final class ExecutableCheck implements StaticCheck {
    /** Imported functions worth a line in the report, with what they suggest. */
    static final Map<String, String> OF_INTEREST = Map.ofEntries(
            Map.entry("ptrace", "debugging or injecting into processes"),
            Map.entry("execve", "running programs"), Map.entry("execl", "running programs"), Map.entry("execvp", "running programs"),
            Map.entry("system", "running shell commands"), Map.entry("popen", "running shell commands"),
            Map.entry("socket", "network access"), Map.entry("connect", "outbound connections"),
            Map.entry("bind", "listening for connections"), Map.entry("listen", "listening for connections"),
            Map.entry("mprotect", "changing memory protection (unpacking, shellcode)"),
            Map.entry("memfd_create", "running code from memory"), Map.entry("dlopen", "loading code at run time"),
            Map.entry("setuid", "changing user"), Map.entry("setgid", "changing group"), Map.entry("chroot", "changing root"),
            Map.entry("init_module", "loading kernel modules"), Map.entry("finit_module", "loading kernel modules"),
            Map.entry("prctl", "renaming itself or changing process attributes"), Map.entry("kill", "signalling other processes"),
            Map.entry("VirtualAlloc", "allocating memory (unpacking, shellcode)"), Map.entry("VirtualAllocEx", "allocating memory in another process"),
            Map.entry("VirtualProtect", "changing memory protection"), Map.entry("WriteProcessMemory", "writing into another process"),
            Map.entry("CreateRemoteThread", "starting code in another process"), Map.entry("LoadLibraryA", "loading code at run time"),
            Map.entry("GetProcAddress", "resolving functions at run time"), Map.entry("WinExec", "running programs"),
            Map.entry("ShellExecuteA", "running programs"), Map.entry("ShellExecuteW", "running programs"),
            Map.entry("URLDownloadToFileA", "downloading files"), Map.entry("URLDownloadToFileW", "downloading files"),
            Map.entry("InternetOpenA", "network access"), Map.entry("WSAStartup", "network access"),
            Map.entry("RegSetValueExA", "writing the registry"), Map.entry("CreateServiceA", "installing services"),
            Map.entry("IsDebuggerPresent", "detecting debuggers"), Map.entry("CryptEncrypt", "encrypting data"));
    /** Imports that together look like process injection or a remote shell. */
    private static final List<List<String>> COMBINATIONS = List.of(
            List.of("socket", "connect", "execve"), List.of("socket", "dup2", "execve"),
            List.of("VirtualAllocEx", "WriteProcessMemory", "CreateRemoteThread"), List.of("ptrace", "mprotect"));

    @Override
    public List<Reason> check(StaticSubject s) {
        List<Reason> reasons = new ArrayList<>();
        if (s.type() == FileType.MACHO) reasons.add(Reason.note("static.macho", "Mach-O executable: analysed statically only", s.name()));
        ExecutableInfo info = s.executable();
        if (info == null) return reasons;
        for (String problem : info.problems()) reasons.add(new Reason("static.malformed_header", 10, "malformed executable header", s.name() + ": " + problem));
        packer(s, info, reasons);
        List<String> plain = info.imports().stream().map(i -> i.substring(i.indexOf('!') + 1)).toList();
        List<String> interesting = new ArrayList<>();
        for (String name : plain) if (OF_INTEREST.containsKey(name)) interesting.add(name + " (" + OF_INTEREST.get(name) + ")");
        if (!interesting.isEmpty())
            reasons.add(new Reason("static.imports", Math.min(15, 3 * interesting.size()), "imports functions of interest", s.name() + ": " + String.join(", ", interesting)));
        for (List<String> combination : COMBINATIONS) {
            if (plain.containsAll(combination))
                reasons.add(new Reason("static.imports.combination", 20, "imports that together suggest a remote shell or injection", s.name() + ": " + String.join(" + ", combination)));
        }
        return reasons;
    }

    private static void packer(StaticSubject s, ExecutableInfo info, List<Reason> reasons) {
        int head = Math.min(s.bytes().length, 4096);
        String start = new String(s.bytes(), 0, head, java.nio.charset.StandardCharsets.ISO_8859_1);
        int marker = start.indexOf("UPX!");
        boolean upxSections = info.sections().stream().anyMatch(x -> x.name().startsWith("UPX"));
        if (marker >= 0 || upxSections)
            reasons.add(new Reason("static.packer.upx", 30, "packed with UPX", s.name() + ": "
                    + (marker >= 0 ? "'UPX!' marker at offset " + marker : "") + (upxSections ? " UPX section names" : "")));
        for (Section section : info.sections()) {
            if (section.executable() && section.size() >= 512 && section.entropy() > Entropy.PACKED)
                reasons.add(new Reason("static.packer.entropy", 20, "high-entropy code section (packed or encrypted)",
                        s.name() + ": section " + section.name() + " entropy " + section.entropy() + " over " + section.size() + " bytes"));
        }
        if (info.sections().isEmpty() && info.format().startsWith("elf") && s.bytes().length > 1024)
            reasons.add(new Reason("static.no_sections", 10, "ELF without a section table (stripped hard or packed)", s.name()));
    }
}
