"""Decodes with z @ W.T, the encoder's orientation.

target: tied_autoencoder
hint: x_hat = z @ W
unaffected: reparameterize, kl_divergence, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""


def tied_autoencoder(x, W):
    z = x @ W.T
    x_hat = z @ W.T
    return z, x_hat
