/** YARA through libyara (FFM): compiling rule sets, scanning files, trees and process memory */
package dev.kiroku.yara;
