package dev.kiroku.event;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An argument vector shown as a shell would: arguments with blanks or quotes, and empty ones, quoted. */
class CommandLinesTest {
    @Test
    void plain_arguments_are_joined_by_spaces_and_a_single_one_is_itself() {
        assertThat(CommandLines.join(List.of())).isEmpty();
        assertThat(CommandLines.join(List.of("/usr/bin/id"))).isEqualTo("/usr/bin/id");
        assertThat(CommandLines.join(List.of("ls", "-la", "/tmp"))).isEqualTo("ls -la /tmp");
    }

    @Test
    void empty_blank_and_quoted_arguments_are_quoted_with_their_backslashes_and_quotes_escaped() {
        assertThat(CommandLines.join(List.of(""))).isEqualTo("\"\"");
        assertThat(CommandLines.join(List.of("a b"))).isEqualTo("\"a b\"");
        assertThat(CommandLines.join(List.of("sh", "-c", "echo \"x\"\\y"))).isEqualTo("sh -c \"echo \\\"x\\\"\\\\y\"");
        assertThat(CommandLines.join(List.of("tab\there", "new\nline", "", "z"))).isEqualTo("\"tab\there\" \"new\nline\" \"\" z");
        assertThat(CommandLines.join(List.of("back\\slash"))).isEqualTo("back\\slash");
    }
}
