"""The Commitments page and editor: milestones, progress and RAG, funding, the example library, norms coverage."""
