/** Indicators of compromise: one model for OpenIOC, STIX 2.1 and plain lists; live matching and retro-hunts */
package dev.kiroku.indicators;
