package dev.kiroku.agent.scanning;

/** Whether a file is an executable: mode +x for anyone, or content that starts like an ELF binary or a {@code #!} script. */
final class ExecutableContent {
    private ExecutableContent() {
    }

    static boolean isExecutable(int mode, byte[] head, int length) {
        if ((mode & 0111) != 0) return true;
        if (length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') return true;
        return length >= 2 && head[0] == '#' && head[1] == '!';
    }
}
