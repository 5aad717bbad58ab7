/**
 * Places where response actions can be exercised without touching the machine: network
 * namespaces the caller created ({@link dev.kiroku.response.lab.NetworkNamespace}) and a private
 * tmpfs ({@link dev.kiroku.response.lab.ScratchTmpfs}). Used by the tests and {@code kiroku bench response}.
 */
package dev.kiroku.response.lab;
