package dev.kiroku.investigate.workflow;

import dev.kiroku.investigate.tracking.Impact;
import dev.kiroku.investigate.tracking.RootCause;

import java.time.Instant;
import java.util.List;

/**
 * The four answers for one clue.
 *
 * @param answers  one plain sentence per step, including "no match" answers
 * @param contacts 1: who talked to it
 * @param chains   2: how it got there
 * @param scope    3: who else has it
 * @param impacts  4: what it did, one per causal root
 * @param cuts     where limits cut any part
 */
public record Investigation(String clueKind, String clue, String window, Instant generatedAt, List<String> answers,
                            List<Contact> contacts, List<RootCause> chains, List<ArtifactScope> scope, List<Impact> impacts,
                            List<String> cuts) {
    public Investigation {
        answers = List.copyOf(answers);
        contacts = List.copyOf(contacts);
        chains = List.copyOf(chains);
        scope = List.copyOf(scope);
        impacts = List.copyOf(impacts);
        cuts = List.copyOf(cuts);
    }

    public boolean found() {
        return !contacts.isEmpty();
    }
}
