"""Returns (x_hat, z).

target: tied_autoencoder
hint: return (z, x_hat) in that order
unaffected: reparameterize, kl_divergence, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""


def tied_autoencoder(x, W):
    z = x @ W.T
    x_hat = z @ W
    return x_hat, z
