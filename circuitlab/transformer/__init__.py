"""The Circuit Transformer: tokenisation of circuits and the encoder-decoder model."""
