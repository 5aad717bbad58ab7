/** Sandbox analysis: static analysis and detonation in a Linux namespace sandbox with a risk verdict */
package dev.kiroku.sandbox;
