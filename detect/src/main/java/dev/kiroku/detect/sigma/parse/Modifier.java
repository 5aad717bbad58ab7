package dev.kiroku.detect.sigma.parse;

/** One Sigma value modifier ({@code field|name}); it rewrites the chain's values or how they are compared. */
@FunctionalInterface
interface Modifier {
    void apply(ValueChain chain) throws RuleProblem;
}
