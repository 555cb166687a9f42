/** Solved challenges already used, kept until they expire: each solution registers once. */
export interface SpentChallenges {
  /** Marks a challenge spent; false when it already was. */
  spend(challenge: string, expires: number): Promise<boolean>;
}
