/** Quarantine, restore and collection of files: an encrypted root-only store with the metadata to restore exactly. */
package dev.kiroku.response.quarantine;
