package dev.kiroku.indicators;

/** What a hit does: only record it, raise an alert, or block (enforced by the response module). */
public enum IndicatorAction {
    LOG, ALERT, BLOCK
}
