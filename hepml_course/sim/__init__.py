"""Physics simulations the course owns: detector response models and calorimeter showers."""
