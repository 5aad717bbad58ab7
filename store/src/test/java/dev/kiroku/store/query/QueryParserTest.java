package dev.kiroku.store.query;

import dev.kiroku.store.MutableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryParserTest {
    private final QueryParser parser = new QueryParser(new MutableClock(Instant.parse("2025-03-10T12:00:00Z")));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            host.name:web-1                          | Exact[field=host.name, value=web-1, position=10]
            process.name:cu*                         | Pattern[field=process.name, pattern=cu*, position=13]
            destination.port:>1024                   | LongRange[field=destination.port, min=1025, max=9223372036854775807, position=17]
            destination.port:[1000 TO 2000}          | LongRange[field=destination.port, min=1000, max=1999, position=17]
            destination.ip:10.0.0.0/8                | IpRange[field=destination.ip, from=/10.0.0.0, to=/10.255.255.255, position=15]
            @timestamp:2025-03-10                    | TimeRange[field=@timestamp, from=2025-03-10T00:00:00Z, to=2025-03-10T23:59:59.999999999Z, position=11]
            @timestamp:>now-1h                       | TimeRange[field=@timestamp, from=2025-03-10T11:00:00.000000001Z, to=+1000000000-12-31T23:59:59.999999999Z, position=11]
            process.command_line:"--user admin"      | Words[fields=[process.command_line], text=--user admin, position=21]
            file.path:=/etc/passwd                   | Exact[field=file.path, value=/etc/passwd, position=11]
            a b                                      | And[clauses=[Words[fields=[process.command_line, process.executable, file.path, message], text=a, position=0], Words[fields=[process.command_line, process.executable, file.path, message], text=b, position=2]]]
            NOT host.name:x OR host.name:y            | Or[clauses=[Not[clause=Exact[field=host.name, value=x, position=14]], Exact[field=host.name, value=y, position=29]]]
            host.name:(a OR b)                       | Or[clauses=[Exact[field=host.name, value=a, position=11], Exact[field=host.name, value=b, position=16]]]
            '   '                                    | All[]
            """)
    void parses(String query, String expected) {
        assertThat(parser.parse(query).toString()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            (host.name:a                     | 12 | expected ')' to close the '(' at position 0
            host.name:a)                     | 11 | unbalanced ')'
            proces.name:curl                 | 0  | did you mean 'process.name'
            destination.port:abc             | 17 | expected a whole number
            destination.port:[1 TO           | 22 | expected a value
            destination.port:[1 2]           | 20 | expected TO
            destination.port:[1 TO 2         | 24 | expected ']' or '}'
            destination.ip:10.0.0.0/40       | 24 | prefix length
            destination.ip:evil.com          | 15 | expected an IPv4 or IPv6 address
            host.name:[a TO b]               | 10 | ranges need a number
            @timestamp:yesterday             | 11 | expected a time
            'process.command_line:"abc'      | 21 | unterminated phrase
            host.name:                       | 10 | expected a value after 'host.name:'
            a AND                            | 5  | found the end of the query
            OR b                             | 0  | operator 'OR'
            process.args:=x                  | 14 | needs a keyword field
            """)
    void reports_position_and_expectation(String query, int position, String message) {
        assertThatThrownBy(() -> parser.parse(query))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> {
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.problem()).contains(message);
                    assertThat(e.getMessage()).contains("^");
                });
    }

    @ParameterizedTest
    @CsvSource({"1", "2", "3"})
    void random_input_either_parses_or_fails_with_a_position(long seed) {
        Random random = new Random(seed);
        String alphabet = "ab:()\"[]{}*?\\ -><=/.TONADR0123host.name@";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int j = random.nextInt(20); j > 0; j--) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            try {
                parser.parse(s.toString());
            } catch (QuerySyntaxException e) {
                assertThat(e.position()).as(s.toString()).isBetween(0, s.length());
            }
        }
    }
}
