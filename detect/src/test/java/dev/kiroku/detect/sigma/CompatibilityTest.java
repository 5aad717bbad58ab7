package dev.kiroku.detect.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompatibilityTest {
    static Path sigma() {
        Path p = Datasets.root().resolve("sigma");
        Assumptions.assumeTrue(Files.isDirectory(p), "SigmaHQ dataset not found at " + p);
        return p;
    }

    /** Placeholder rules are loaded broadened (see LoadOptions); without that they are refused, as the next test shows. */
    @ParameterizedTest(name = "{0} loads at least {1}% of its files")
    @CsvSource({
        "rules, 100, true",
        "rules-emerging-threats, 100, true",
        "rules-threat-hunting, 100, true",
        "rules-compliance, 100, true",
        "rules-placeholder, 100, true",
    })
    void every_sigmahq_rule_folder_loads(String folder, int percent, boolean broaden) {
        SigmaLoader.Result r = SigmaLoader.load(List.of(sigma().resolve(folder)), broaden ? LoadOptions.broadening() : LoadOptions.defaults());
        long loaded = r.report().loadedFiles();
        long total = r.report().files().size();
        System.out.printf("%s: %d files, %d loaded, %d refused, %d rules, %d correlations%n", folder, total, loaded,
                r.report().refusedFiles(), r.rules().rules().size(), r.rules().correlations().size());
        r.report().files().stream().filter(f -> f.status() == LoadReport.Status.REFUSED)
                .forEach(f -> System.out.println("  REFUSED " + f.file() + ": " + f.reason()));
        assertThat(loaded * 100).isGreaterThanOrEqualTo(total * percent);
    }

    @org.junit.jupiter.api.Test
    void placeholder_rules_are_refused_without_values_or_broadening() {
        SigmaLoader.Result r = SigmaLoader.load(List.of(sigma().resolve("rules-placeholder"), sigma().resolve("rules-emerging-threats")), LoadOptions.defaults());
        System.out.printf("rules-placeholder + rules-emerging-threats without placeholder values: %d loaded, %d refused%n",
                r.report().loadedFiles(), r.report().refusedFiles());
        assertThat(r.report().files()).filteredOn(f -> f.status() == LoadReport.Status.REFUSED)
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.reason()).contains("unresolved placeholder"));
    }

    @org.junit.jupiter.api.Test
    void unsupported_rules_load_or_are_refused_with_a_reason() {
        SigmaLoader.Result r = SigmaLoader.load(List.of(sigma().resolve("unsupported")), LoadOptions.defaults());
        System.out.printf("unsupported: %d files, %d loaded, %d refused%n", r.report().files().size(),
                r.report().loadedFiles(), r.report().refusedFiles());
        r.report().files().stream().filter(f -> f.status() == LoadReport.Status.REFUSED)
                .forEach(f -> System.out.println("  REFUSED " + f.file() + ": " + f.reason()));
        assertThat(r.report().files()).allSatisfy(f -> {
            if (f.status() == LoadReport.Status.REFUSED) assertThat(f.problems()).isNotEmpty();
        });
    }
}
