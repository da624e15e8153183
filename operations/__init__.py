"""Operations control: the operators' roles."""
