"""Detaches the decoder's copy of W: the weight is no longer trained as tied.

target: tied_autoencoder
hint: both uses of the tied W
unaffected: reparameterize, kl_divergence, corrupt, vae_loss, gan_discriminator_loss, gan_generator_loss
"""


def tied_autoencoder(x, W):
    z = x @ W.T
    x_hat = z @ W.detach()
    return z, x_hat
