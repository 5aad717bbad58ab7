package dev.kiroku.investigate;

/** The same four steps with the process record index beside the store, as the server runs them. */
class CrossHostInvestigationIndexedTest extends CrossHostInvestigationTest {
    @Override
    boolean indexed() {
        return true;
    }
}
