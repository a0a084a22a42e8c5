"""Version of the reference data (territories, supply, accessibility): one counter that every
write to those tables bumps in the same transaction, so that what is derived from them (the
diagnosis snapshot) is rebuilt exactly when they change."""
