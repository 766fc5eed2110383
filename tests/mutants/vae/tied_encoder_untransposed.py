"""Encodes with x @ W (and decodes with W.T to make the shapes fit when k = D).

target: tied_autoencoder
hint: the encoder is z = x @ W.T
unaffected: reparameterize, kl_divergence, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""


def tied_autoencoder(x, W):
    z = x @ W
    x_hat = z @ W.T
    return z, x_hat
