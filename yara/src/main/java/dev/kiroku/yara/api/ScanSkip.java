package dev.kiroku.yara.api;

/** A file, directory, process or memory region that was not scanned (or not completely), and why. */
public record ScanSkip(String target, String reason) {
}
