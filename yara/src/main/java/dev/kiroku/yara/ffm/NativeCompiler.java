package dev.kiroku.yara.ffm;

import dev.kiroku.yara.api.CompileDiagnostic;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.ADDRESS_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One {@code YR_COMPILER}. Every error and warning libyara reports comes back through the compiler callback as a
 * {@link CompileDiagnostic} with file and line. libyara refuses further sources once one failed, so callers
 * isolate files by giving each its own compiler first (see {@code RuleSetCompiler}).
 *
 * <p>Not thread-safe; use it on the thread that created it.
 */
public final class NativeCompiler implements AutoCloseable {
    private static final FunctionDescriptor CALLBACK = FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = MethodHandles.lookup().findVirtual(NativeCompiler.class, "onMessage", MethodType.methodType(
                    void.class, int.class, MemorySegment.class, int.class, MemorySegment.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LibYara lib = LibYara.get();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment compiler;
    private final List<CompileDiagnostic> diagnostics = new ArrayList<>();
    private String sourceName = "";

    public NativeCompiler() {
        MemorySegment out = arena.allocate(ADDRESS);
        check(invokeInt(lib.compilerCreate, out), "yr_compiler_create");
        compiler = out.get(ADDRESS, 0);
        MemorySegment stub = LibYara.upcall(ON_MESSAGE.bindTo(this), CALLBACK, arena);
        try {
            lib.compilerSetCallback.invokeExact(compiler, stub, MemorySegment.NULL);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    /** Declares a string external variable with a default value; scans set the real value. */
    public void defineString(String identifier, String value) {
        try (Arena call = Arena.ofConfined()) {
            check(invokeInt(lib.compilerDefineString, compiler, call.allocateFrom(identifier), call.allocateFrom(value)),
                    "yr_compiler_define_string_variable(" + identifier + ")");
        }
    }

    /**
     * Compiles a rule file into {@code namespace}. Includes are resolved relative to the file.
     *
     * @return the number of errors (0 when the file compiled)
     */
    public int addFile(Path file, String namespace) {
        String name = file.toString();
        int fd = Posix.openForScan(name);
        if (fd < 0) {
            diagnostics.add(new CompileDiagnostic(CompileDiagnostic.Level.ERROR, name, 0, null,
                    "cannot open: errno " + -fd));
            return 1;
        }
        sourceName = name;
        try (Arena call = Arena.ofConfined()) {
            return (int) lib.compilerAddFd.invokeExact(compiler, fd, call.allocateFrom(namespace), call.allocateFrom(name));
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        } finally {
            Posix.close(fd);
        }
    }

    /** Compiles rule source text; {@code sourceName} names it in diagnostics. Returns the number of errors. */
    public int addSource(String source, String namespace, String sourceName) {
        this.sourceName = sourceName;
        try (Arena call = Arena.ofConfined()) {
            return (int) lib.compilerAddString.invokeExact(compiler, call.allocateFrom(source), call.allocateFrom(namespace));
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    /** Errors and warnings reported so far, in order. */
    public List<CompileDiagnostic> diagnostics() {
        return List.copyOf(diagnostics);
    }

    /** The compiled rules; valid only when no source failed. They outlive this compiler. */
    public NativeRules rules() {
        MemorySegment out = arena.allocate(ADDRESS);
        check(invokeInt(lib.compilerGetRules, compiler, out), "yr_compiler_get_rules");
        return new NativeRules(out.get(ADDRESS, 0));
    }

    @Override
    public void close() {
        try {
            lib.compilerDestroy.invokeExact(compiler);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        } finally {
            arena.close();
        }
    }

    @SuppressWarnings("unused") // called by libyara through the upcall stub
    private void onMessage(int level, MemorySegment fileName, int line, MemorySegment rule, MemorySegment message,
                           MemorySegment userData) {
        try {
            String file = Structs.cString(fileName);
            String ruleName = rule.equals(MemorySegment.NULL) ? null
                    : Structs.cString(Structs.at(rule).get(ADDRESS_UNALIGNED, Structs.RULE_IDENTIFIER));
            diagnostics.add(new CompileDiagnostic(
                    level == 0 ? CompileDiagnostic.Level.ERROR : CompileDiagnostic.Level.WARNING,
                    file != null ? file : sourceName, line, ruleName, Structs.cString(message)));
        } catch (RuntimeException e) {
            // An exception must not cross into native code; keep what we know.
            diagnostics.add(new CompileDiagnostic(CompileDiagnostic.Level.ERROR, sourceName, line, null,
                    "unreadable compiler message: " + e));
        }
    }

    private static int invokeInt(MethodHandle handle, Object... args) {
        try {
            return (int) handle.invokeWithArguments(args);
        } catch (Throwable t) {
            throw LibYara.rethrow(t);
        }
    }

    private static void check(int rc, String call) {
        if (rc != YaraError.SUCCESS) {
            throw new IllegalStateException(call + " failed: " + YaraError.describe(rc));
        }
    }
}
